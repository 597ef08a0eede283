#!/usr/bin/env escript
%% counting (../README.md): the main process (the producer) sends the integers 1..N to a
%% counter, then asks it for their sum (a request and its response) and checks it is
%% N(N+1)/2. N messages.
%%
%%     ERL_FLAGS="+S W:W" escript counting.escript <workers> <rounds> <n>
-mode(compile).
-include("peer_common.hrl").

main(Args) ->
    peer_main("counting", Args, 1, fun setup/2, fun round/1).

%% The counter lives across the rounds; answering a request starts a new sum.
setup(N, _) ->
    {spawn_link(fun() -> counter(0) end), N}.

round({Counter, N}) ->
    produce(Counter, 1, N),
    Ref = make_ref(),
    Counter ! {sum, self(), Ref},
    receive
        {Ref, Sum} ->
            case N * (N + 1) div 2 of
                Sum -> N;
                Want -> peer_fail("counting", "the sum is ~b, expected ~b", [Sum, Want])
            end
    end.

produce(Counter, I, N) when I =< N ->
    Counter ! I,
    produce(Counter, I + 1, N);
produce(_, _, _) ->
    ok.

counter(Sum) ->
    receive
        I when is_integer(I) ->
            counter(Sum + I);
        {sum, From, Ref} ->
            From ! {Ref, Sum},
            counter(0)
    end.
