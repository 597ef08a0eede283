%% peer_common.hrl: what the Erlang peer escripts share (the protocol of ../README.md). Each
%% escript is one workload; it includes this file and calls
%%
%%     peer_main(Workload, Args, Arity, Setup, Round)
%%
%% Workload: the workload's name, as in the JSON lines; Args: the escript's arguments,
%% <workers> <rounds> <n> [<m>]; Arity: 1 when the workload takes n, 2 when it takes n and m;
%% Setup(N, M): spawns the processes the rounds reuse (not timed; M is undefined when Arity is
%% 1) and returns them; Round(State): does one round, from its first send until the main
%% process has received the round's done message(s), checks the work and returns the round's
%% items. escript finds this file next to the escripts, whatever the current directory is.

peer_main(Workload, Args, Arity, Setup, Round) ->
    {Workers, Rounds, N, M} = peer_args(Workload, Args, Arity),
    Threads = erlang:system_info(schedulers_online),
    case Threads of
        Workers ->
            ok;
        _ ->
            io:format(standard_error,
                      "~s: ~b schedulers online, expected ~b workers (run with "
                      "ERL_FLAGS=\"+S ~b:~b\")~n",
                      [Workload, Threads, Workers, Workers, Workers]),
            erlang:halt(2)
    end,
    Version = "OTP " ++ erlang:system_info(otp_release) ++ " erts-"
        ++ erlang:system_info(version),
    State = Setup(N, M),
    _ = Round(State),                              % the warm-up round, not timed
    peer_rounds(1, Rounds, Round, State, Workload, Version, Workers, Threads),
    peer_no_leftovers(Workload).

peer_rounds(R, Rounds, _Round, _State, _Workload, _Version, _Workers, _Threads)
  when R > Rounds ->
    ok;
peer_rounds(R, Rounds, Round, State, Workload, Version, Workers, Threads) ->
    Start = erlang:monotonic_time(),
    Items = Round(State),
    Stop = erlang:monotonic_time(),
    Seconds = erlang:convert_time_unit(Stop - Start, native, nanosecond) / 1.0e9,
    io:format("{\"system\":\"erlang\",\"version\":\"~s\",\"workload\":\"~s\",\"workers\":~b,"
              "\"threads\":~b,\"round\":~b,\"items\":~b,\"seconds\":~.6f}~n",
              [Version, Workload, Workers, Threads, R, Items, Seconds]),
    peer_rounds(R + 1, Rounds, Round, State, Workload, Version, Workers, Threads).

%% After the last round the main process's mailbox must be empty: a surplus done message
%% means some process did more than the workload asks.
peer_no_leftovers(Workload) ->
    receive
        Message -> peer_fail(Workload, "unexpected message after the last round: ~p", [Message])
    after 0 ->
        ok
    end.

peer_fail(Workload, Format, Args) ->
    io:format(standard_error, "~s: " ++ Format ++ "~n", [Workload | Args]),
    erlang:halt(1).

peer_args(Workload, [W, R, N], 1) ->
    {peer_number(Workload, 1, "workers", W, 1, 256),
     peer_number(Workload, 1, "rounds", R, 1, 1000),
     peer_number(Workload, 1, "n", N, 1, 1000000000),
     undefined};
peer_args(Workload, [W, R, N, M], 2) ->
    {peer_number(Workload, 2, "workers", W, 1, 256),
     peer_number(Workload, 2, "rounds", R, 1, 1000),
     peer_number(Workload, 2, "n", N, 1, 1000000000),
     peer_number(Workload, 2, "m", M, 1, 1000000)};
peer_args(Workload, _, 1) ->
    peer_usage(Workload, 1, "this workload takes <workers> <rounds> <n>");
peer_args(Workload, _, 2) ->
    peer_usage(Workload, 2, "this workload takes <workers> <rounds> <n> <m>").

peer_number(Workload, Arity, What, Text, Low, High) ->
    case string:to_integer(Text) of
        {Value, []} when Value >= Low, Value =< High ->
            Value;
        _ ->
            peer_usage(Workload, Arity,
                       io_lib:format("~s must be a whole number from ~b to ~b, not '~s'",
                                     [What, Low, High, Text]))
    end.

peer_usage(Workload, Arity, Why) ->
    Extra = case Arity of 1 -> ""; 2 -> " <m>" end,
    io:format(standard_error,
              "~s: ~s~nusage: ERL_FLAGS=\"+S W:W\" escript ~s <workers> <rounds> <n>~s~n"
              "  (<workers> must equal W, the schedulers online)~n",
              [Workload, Why, escript:script_name(), Extra]),
    erlang:halt(2).
