#!/usr/bin/env escript
%% spawn (../README.md): the main spawns N processes, each waiting for one message, sends each
%% one message, and waits for the done message each sends as it ends. N processes. Spawning is
%% the work here, so it is timed.
%%
%%     ERL_FLAGS="+S W:W" escript spawn.escript <workers> <rounds> <n>
-mode(compile).
-include("peer_common.hrl").

main(Args) ->
    peer_main("spawn", Args, 1, fun(N, _) -> N end, fun round/1).

round(N) ->
    Main = self(),
    Pids = spawn_n(N, Main, []),
    lists:foreach(fun(Pid) -> Pid ! go end, Pids),
    wait(N),
    N.

spawn_n(0, _, Pids) ->
    Pids;
spawn_n(Left, Main, Pids) ->
    Pid = spawn(fun() -> once(Main) end),
    spawn_n(Left - 1, Main, [Pid | Pids]).

once(Main) ->
    receive
        go -> Main ! done
    end.

wait(0) ->
    ok;
wait(Left) ->
    receive
        done -> wait(Left - 1)
    end.
