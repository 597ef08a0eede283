#!/usr/bin/env escript
%% pairs (../README.md): M independent ping-pong pairs, each exchanging N messages as in
%% pingpong; the process of each pair that receives 0 tells the main. N * M messages.
%%
%%     ERL_FLAGS="+S W:W" escript pairs.escript <workers> <rounds> <n> <m>
-mode(compile).
-include("peer_common.hrl").

main(Args) ->
    peer_main("pairs", Args, 2, fun setup/2, fun round/1).

%% The pairs live across the rounds; the state keeps each pair's ping.
setup(N, M) ->
    Main = self(),
    Pings = [pair(Main) || _ <- lists:seq(1, M)],
    {Pings, N, M}.

pair(Main) ->
    Ping = spawn_link(fun() -> player(Main) end),
    Pong = spawn_link(fun() -> player(Main) end),
    Ping ! {peer, Pong},
    Pong ! {peer, Ping},
    Ping.

round({Pings, N, M}) ->
    lists:foreach(fun(Ping) -> Ping ! N - 1 end, Pings),
    wait(M),
    N * M.

%% One done message per pair.
wait(0) ->
    ok;
wait(Left) ->
    receive
        {done, _} -> wait(Left - 1)
    end.

player(Main) ->
    receive
        {peer, Peer} -> play(Peer, Main)
    end.

play(Peer, Main) ->
    receive
        0 ->
            Main ! {done, self()},
            play(Peer, Main);
        K ->
            Peer ! K - 1,
            play(Peer, Main)
    end.
