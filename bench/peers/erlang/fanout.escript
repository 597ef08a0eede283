#!/usr/bin/env escript
%% fanout (../README.md): one publisher holding the pids of M subscribers publishes the
%% integers 1..N, sending each to every subscriber; each subscriber tells the main when it has
%% its Nth message of the round. N * M deliveries.
%%
%%     ERL_FLAGS="+S W:W" escript fanout.escript <workers> <rounds> <n> <m>
-mode(compile).
-include("peer_common.hrl").

main(Args) ->
    peer_main("fanout", Args, 2, fun setup/2, fun round/1).

%% The publisher and its subscribers live across the rounds.
setup(N, M) ->
    Main = self(),
    Subscribers = [spawn_link(fun() -> subscriber(Main, N, 0) end) || _ <- lists:seq(1, M)],
    Publisher = spawn_link(fun() -> publisher(Subscribers) end),
    {Publisher, N, M}.

round({Publisher, N, M}) ->
    Publisher ! {publish, N},
    wait(M),
    N * M.

%% One done message per subscriber.
wait(0) ->
    ok;
wait(Left) ->
    receive
        {done, _} ->
            wait(Left - 1);
        {out_of_order, Subscriber, Got, Want} ->
            peer_fail("fanout", "subscriber ~p got ~b, expected ~b", [Subscriber, Got, Want])
    end.

publisher(Subscribers) ->
    receive
        {publish, N} ->
            publish(1, N, Subscribers),
            publisher(Subscribers)
    end.

publish(I, N, Subscribers) when I =< N ->
    send_all(Subscribers, I),
    publish(I + 1, N, Subscribers);
publish(_, _, _) ->
    ok.

send_all([Subscriber | Rest], I) ->
    Subscriber ! I,
    send_all(Rest, I);
send_all([], _) ->
    ok.

%% Messages between two processes arrive in the order sent: the Kth of a round is K.
subscriber(Main, N, Got) ->
    receive
        I when I =:= Got + 1, I =:= N ->
            Main ! {done, self()},
            subscriber(Main, N, 0);
        I when I =:= Got + 1 ->
            subscriber(Main, N, I);
        I ->
            Main ! {out_of_order, self(), I, Got + 1},
            subscriber(Main, N, Got)
    end.
