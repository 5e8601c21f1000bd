%% ejabberd-check.erl -- ejabberd's own configuration loader on many files,
%% in one Erlang VM (a VM start per file costs about half a second).
%%
%%   erl -noshell -pa EJABBERD_EBIN -pa DIR_OF_THIS -s ejabberd_check main \
%%       -extra FILE...
%%
%% For each FILE: ejabberd_config:load() with FILE as the configuration,
%% which parses the YAML (fast_yaml, with ejabberd's atom conversion:
%% single-quoted strings become atoms, at most 255 octets) and runs every
%% option's validator (listeners, TLS options, hosts, ...), as ejabberd
%% does at start.  Prints "ok FILE" or "error FILE: REASON", one line each.
-module('ejabberd-check').
-export([main/0]).

main() ->
    logger:set_primary_config(level, error),
    ok = application:load(ejabberd),
    [{ok, _} = application:ensure_all_started(A)
     || A <- [p1_utils, fast_yaml, stringprep, xmpp, fast_tls]],
    logger:set_primary_config(level, error),
    lists:foreach(fun check/1, init:get_plain_arguments()),
    halt(0).

check(File) ->
    %% load/0 makes its option table anew: drop the last file's.
    catch ets:delete(ejabberd_options),
    application:set_env(ejabberd, config, File),
    case catch ejabberd_config:load() of
        ok ->
            io:format("ejabberd-check: ok ~ts~n", [File]);
        {error, Why} ->
            Msg = try ejabberd_config:format_error(Why)
                  catch _:_ -> io_lib:format("~0P", [Why, 20]) end,
            io:format("ejabberd-check: error ~ts: ~ts~n", [File, oneline(Msg)]);
        Other ->
            io:format("ejabberd-check: error ~ts: ~ts~n",
                      [File, oneline(io_lib:format("~0P", [Other, 20]))])
    end.

oneline(S) ->
    [case C of $\n -> $\s; _ -> C end
     || C <- lists:flatten(io_lib:format("~ts", [S]))].
