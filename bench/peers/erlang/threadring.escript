#!/usr/bin/env escript
%% threadring (../README.md): 503 processes in a ring, each knowing its successor; a token
%% that starts at N - 1 goes round, one less at each hop, and the process that receives 0
%% tells the main. N messages.
%%
%%     ERL_FLAGS="+S W:W" escript threadring.escript <workers> <rounds> <n>
-mode(compile).
-include("peer_common.hrl").

-define(RING_SIZE, 503).

main(Args) ->
    peer_main("threadring", Args, 1, fun setup/2, fun round/1).

%% The ring lives across the rounds: spawn the nodes, then tell each its successor.
setup(N, _) ->
    Main = self(),
    Nodes = [spawn_link(fun() -> node_start(Main) end) || _ <- lists:seq(1, ?RING_SIZE)],
    [First | _] = Nodes,
    connect(Nodes, First),
    {First, N}.

connect([Last], First) ->
    Last ! {next, First};
connect([Node | [Next | _] = Rest], First) ->
    Node ! {next, Next},
    connect(Rest, First).

round({First, N}) ->
    First ! N - 1,
    receive
        {done, _} -> N
    end.

node_start(Main) ->
    receive
        {next, Next} -> node_loop(Next, Main)
    end.

node_loop(Next, Main) ->
    receive
        0 ->
            Main ! {done, self()},
            node_loop(Next, Main);
        K ->
            Next ! K - 1,
            node_loop(Next, Main)
    end.
