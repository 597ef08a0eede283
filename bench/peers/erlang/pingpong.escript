#!/usr/bin/env escript
%% pingpong (../README.md): two processes; the main sends N - 1 to ping, each answers the
%% other with the number minus one, and the one that receives 0 tells the main. N messages.
%%
%%     ERL_FLAGS="+S W:W" escript pingpong.escript <workers> <rounds> <n>
-mode(compile).
-include("peer_common.hrl").

main(Args) ->
    peer_main("pingpong", Args, 1, fun setup/2, fun round/1).

%% The pair lives across the rounds.
setup(N, _) ->
    Main = self(),
    Ping = spawn_link(fun() -> player(Main) end),
    Pong = spawn_link(fun() -> player(Main) end),
    Ping ! {peer, Pong},
    Pong ! {peer, Ping},
    {Ping, N}.

round({Ping, N}) ->
    Ping ! N - 1,
    receive
        {done, _} -> N
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
