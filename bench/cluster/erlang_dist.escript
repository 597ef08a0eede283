#!/usr/bin/env escript
%%! -sname coact_bench_a -setcookie coact_bench
%% erlang_dist.escript — the bench_cluster workloads on Erlang/OTP distribution: two nodes on
%% this host (this one and a peer it starts), the same sizes as bench/cluster/cluster_bench.cpp.
%%
%%   escript bench/cluster/erlang_dist.escript [ROUNDS]
%%
%% Prints one line per workload: its name, the median rate over ROUNDS (default 5) and the unit,
%% e.g. "erlang/pingpong 17960 round_trips_per_second". Needs erlang-base (make deps-peers).
-mode(compile).

-define(ROUND_TRIPS, 1000).
-define(STREAM, 100000).
-define(PAIRS, 100).
-define(PAIR_ROUND_TRIPS, 100).

%% The processes that run on the peer, compiled here and loaded on both nodes (an escript's own
%% functions do not exist on another node).
-define(WORKER, "-module(coact_bench_worker).\n-export([pong/0, sink/2]).\n"
                "pong() -> receive {From, N} -> From ! N + 1, pong() end.\n"
                "sink(Parent, 0) -> Parent ! done;\n"
                "sink(Parent, K) -> receive _ -> sink(Parent, K - 1) end.\n").

load_worker(Node) ->
    {ok, Tokens, _} = erl_scan:string(?WORKER),
    Forms = split_forms(Tokens, [], []),
    {ok, Mod, Bin} = compile:forms([F || {ok, F} <- [erl_parse:parse_form(T) || T <- Forms]]),
    {module, Mod} = code:load_binary(Mod, "coact_bench_worker.erl", Bin),
    {module, Mod} = rpc:call(Node, code, load_binary, [Mod, "coact_bench_worker.erl", Bin]).

split_forms([], [], Acc) -> lists:reverse(Acc);
split_forms([{dot, _} = D | Rest], Cur, Acc) -> split_forms(Rest, [], [lists:reverse([D | Cur]) | Acc]);
split_forms([T | Rest], Cur, Acc) -> split_forms(Rest, [T | Cur], Acc).

main(Args) ->
    Rounds = case Args of [R] -> list_to_integer(R); [] -> 5 end,
    {ok, Peer, Node} = peer:start_link(#{name => coact_bench_b,
                                         args => ["-setcookie", "coact_bench"]}),
    load_worker(Node),
    report("erlang/pingpong", "round_trips_per_second", Rounds, fun() -> pingpong(Node) end),
    report("erlang/stream", "messages_per_second", Rounds, fun() -> stream(Node) end),
    report("erlang/pairs", "round_trips_per_second", Rounds, fun() -> pairs(Node) end),
    peer:stop(Peer).

report(Name, Unit, Rounds, F) ->
    F(),  % a warm-up round
    Rates = lists:sort([F() || _ <- lists:seq(1, Rounds)]),
    io:format("~s ~p ~s~n", [Name, lists:nth((Rounds + 1) div 2, Rates), Unit]).

rate(Items, Micros) -> Items * 1000000 div max(Micros, 1).

now_us() -> erlang:monotonic_time(microsecond).

pingpong(Node) ->
    Pong = spawn(Node, coact_bench_worker, pong, []),
    T0 = now_us(),
    ping(Pong, ?ROUND_TRIPS),
    T1 = now_us(),
    exit(Pong, kill),
    rate(?ROUND_TRIPS, T1 - T0).

ping(_, 0) -> ok;
ping(Pong, K) -> Pong ! {self(), K}, receive _ -> ping(Pong, K - 1) end.

stream(Node) ->
    Self = self(),
    Sink = spawn(Node, coact_bench_worker, sink, [Self, ?STREAM]),
    T0 = now_us(),
    [Sink ! I || I <- lists:seq(1, ?STREAM)],
    receive done -> ok end,
    rate(?STREAM, now_us() - T0).

pairs(Node) ->
    Self = self(),
    Pongs = [spawn(Node, coact_bench_worker, pong, []) || _ <- lists:seq(1, ?PAIRS)],
    T0 = now_us(),
    [spawn(fun() -> ping(P, ?PAIR_ROUND_TRIPS), Self ! done end) || P <- Pongs],
    [receive done -> ok end || _ <- Pongs],
    T1 = now_us(),
    [exit(P, kill) || P <- Pongs],
    rate(?PAIRS * ?PAIR_ROUND_TRIPS, T1 - T0).
