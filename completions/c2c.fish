# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_c2c_global_optspecs
    string join \n v/verbose q/quiet config= env-file= h/help V/version
end

function __fish_c2c_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_c2c_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_c2c_using_subcommand
    set -l cmd (__fish_c2c_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c c2c -n "__fish_c2c_needs_command" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_needs_command" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_needs_command" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_needs_command" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_needs_command" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "serve" -d 'Serve the softphone page, /token and the /voice webhook'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "tunnel" -d 'Open only the tunnel, for a server that already runs'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "configure" -d 'Show or change where the TwiML App sends calls'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "doctor" -d 'Check the Twilio account for everything a call needs'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "call" -d 'Place a call from a headless browser, for scripts and CI'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "test" -d 'Run a suite of scenario files: many calls at once, split across machines'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "token" -d 'Print an Access Token for the browser softphone'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c c2c -n "__fish_c2c_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l allow-country -d 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID\'s country' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l caller-id -d 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l port -d 'Local port to listen on (0 picks a free one)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l host -d 'Local address to listen on' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l public-url -d 'The public URL Twilio reaches this server through, when you run your own tunnel or proxy' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l signalling -d 'Point the page\'s Voice SDK at this signalling address instead of Twilio\'s (a staging or test stand-in), as HOST[:PORT]' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l token-ttl -d 'How long the page\'s access tokens last (the page fetches a fresh one before expiry)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l token-rate -d 'Tokens each client may get per minute from /token (0: no limit)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l authtoken -d 'ngrok authtoken. Default: the ngrok agent\'s own config file' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l domain -d 'Reserved or free static ngrok domain, so the public URL stays the same across runs' -r
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l tunnel -d 'Open an ngrok tunnel and point the TwiML App\'s Voice URL at it until c2c exits'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l open -d 'Open the page in the default browser once the server is ready'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l share -d 'Also serve the page and /token through the tunnel, behind a password that c2c prints'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l insecure-unsigned-webhooks -d 'Answer public webhooks without checking X-Twilio-Signature (unsafe: anyone could place calls on your account)'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -l force -d 'Replace the TwiML App\'s Voice URL even when it points somewhere c2c did not set'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand serve" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l port -d 'Local port the tunnel forwards to' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l path -d 'Path of the voice webhook on that server' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l authtoken -d 'ngrok authtoken. Default: the ngrok agent\'s own config file' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l domain -d 'Reserved or free static ngrok domain, so the public URL stays the same across runs' -r
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -l force -d 'Replace the TwiML App\'s Voice URL even when it points somewhere c2c did not set'
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand tunnel" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l url -d 'Set the Voice URL to this address' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l create -d 'Create a TwiML App with this friendly name and print its SID' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l number -d 'Send calls to this Twilio number (E.164) to the TwiML App' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l from-ngrok-agent -d 'Set the Voice URL from the tunnel of an ngrok agent running here (its API on port 4040)'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l restore -d 'Put back the Voice URL that an interrupted c2c run replaced'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l sip -d 'Make (or find) the SIP Domain, Credential List and credential c2c calls SIP with'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l dry-run -d 'Say what would change without changing it'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -l json -d 'Print the result as JSON'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand configure" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l to -d 'Also check that this number can be called: the dial policy and its country\'s permission' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l allow-country -d 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID\'s country' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l caller-id -d 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l authtoken -d 'ngrok authtoken. Default: the ngrok agent\'s own config file' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l domain -d 'Reserved or free static ngrok domain, so the public URL stays the same across runs' -r
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -l json -d 'Print the report as JSON'
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand call" -l play -d 'WAV file the far end hears, as the page\'s microphone; default: silence' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l say -d 'Words to say once the far end answers (after --play), in c2c\'s own voice, offline (the voice is downloaded once, on first use); a step can say more (`say`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l digits -d 'Keys to press once the far end answers (0-9 * #; w waits half a second)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l record -d 'Write what the page heard to this WAV file (16 kHz mono)' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l step -d 'A step of the call\'s scenario, run in order once the far end answers; repeatable' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l scenario -d 'A scenario file (YAML, as c2c test runs them): its call, options and `steps:` (run before any --step); flags given here win over its options' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l junit -d 'Write a JUnit XML report: one test case per step, the recording attached' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l timeout -d 'Give up when nobody answers within this long after the call is placed [default: 30s]' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l hangup-after -d 'Hang up this long after the answer, whatever the steps are doing; none: only when the steps or the far end end the call [default: 10m]' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l server -d 'Use this running c2c serve (its page, token and webhook) instead of starting one' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l public-url -d 'The public URL Twilio reaches the in-process server through, behind a tunnel of your own' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l leg -d 'How c2c calls: browser (its page in headless Chromium, through the Voice SDK: the default, and the only leg that tests a WebRTC client) or sip (a SIP user agent into c2c\'s SIP Domain, with no browser: hundreds of calls a machine; set it up once with `c2c configure --sip`)' -r -f -a "browser\t''
sip\t''"
complete -c c2c -n "__fish_c2c_using_subcommand call" -l sip-proxy -d 'Send the SIP leg\'s INVITEs to this address (IP:PORT) instead of the SIP Domain\'s own: a stand-in for tests, or a proxy of your own' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l sip-transport -d 'What the SIP leg\'s signalling travels over: udp (the default), tcp (for a network that drops UDP) or tls (port 5061, the Domain\'s certificate checked against this machine\'s trusted authorities, or SSL_CERT_FILE\'s)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l sip-media -d 'The SIP leg\'s sound: rtp (the default) or srtp, which a SIP Domain with Secure Media on requires (it refuses everything else); srtp goes over TLS, chosen for it' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l chrome -d 'Browser to run: Chromium, Chrome, Edge or Brave, version 112 or newer. Default: the first one found' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l chrome-arg -d 'One more flag for Chromium (a proxy, a certificate to trust); repeatable' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l speech-model -d 'Folder of the speech model, for a machine that cannot download it (README: Speech). Default: c2c\'s cache, filled on first use' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l speech -d 'Which speech model recognises the far end: tiny (the default: quick) or base (reads fast and accented voices better, about six times slower; an 83 MB download, once). A scenario\'s `speech:` chooses for its own call. A --speech-model folder holds one model and is used whatever this says' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l signalling -d 'Point the page\'s Voice SDK at this signalling address instead of Twilio\'s (a staging or test stand-in), as HOST[:PORT]' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l allow-country -d 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID\'s country' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l caller-id -d 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l authtoken -d 'ngrok authtoken. Default: the ngrok agent\'s own config file' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l domain -d 'Reserved or free static ngrok domain, so the public URL stays the same across runs' -r
complete -c c2c -n "__fish_c2c_using_subcommand call" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand call" -l json -d 'Print the outcome as JSON on standard output'
complete -c c2c -n "__fish_c2c_using_subcommand call" -l transcribe -d 'Write down what the far end says (in --json and --junit), with or without speech steps'
complete -c c2c -n "__fish_c2c_using_subcommand call" -l tunnel -d 'Open an ngrok tunnel and point the TwiML App at it for the calls, as serve --tunnel does'
complete -c c2c -n "__fish_c2c_using_subcommand call" -l force -d 'Replace the TwiML App\'s Voice URL even when it points somewhere c2c did not set'
complete -c c2c -n "__fish_c2c_using_subcommand call" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand call" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand call" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand call" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand test" -l jobs -d 'Calls in flight at once: auto, or from 1 to 1000. auto starts two, doubles while every call stays healthy and backs off when a call is starved of CPU (a browser carries 25; more start a second). Through SIP (--leg sip) a machine carries hundreds: give a number' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l repeat -d 'Run each scenario this many times, from 1 to 1000' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l rate -d 'Start at most R new calls a second, from 0.01 to 100 (such as 2, or 0.5), for a steady load' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l retry-inconclusive -d 'Run each inconclusive call again, up to N times, from 0 to 10, once the others are done (an inconclusive call is one c2c could not hear in time, its machine too busy)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l shard -d 'Run only the I-th of N shares of the suite (1-based; stable for the same files), as I/N: each machine of a CI matrix runs one' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l junit -d 'Write one JUnit XML report: a test suite per scenario file, a test case per step' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand test" -l server -d 'Use this running c2c serve (its page, token and webhook) instead of starting one' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l public-url -d 'The public URL Twilio reaches the in-process server through, behind a tunnel of your own' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l leg -d 'How c2c calls: browser (its page in headless Chromium, through the Voice SDK: the default, and the only leg that tests a WebRTC client) or sip (a SIP user agent into c2c\'s SIP Domain, with no browser: hundreds of calls a machine; set it up once with `c2c configure --sip`)' -r -f -a "browser\t''
sip\t''"
complete -c c2c -n "__fish_c2c_using_subcommand test" -l sip-proxy -d 'Send the SIP leg\'s INVITEs to this address (IP:PORT) instead of the SIP Domain\'s own: a stand-in for tests, or a proxy of your own' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l sip-transport -d 'What the SIP leg\'s signalling travels over: udp (the default), tcp (for a network that drops UDP) or tls (port 5061, the Domain\'s certificate checked against this machine\'s trusted authorities, or SSL_CERT_FILE\'s)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l sip-media -d 'The SIP leg\'s sound: rtp (the default) or srtp, which a SIP Domain with Secure Media on requires (it refuses everything else); srtp goes over TLS, chosen for it' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l chrome -d 'Browser to run: Chromium, Chrome, Edge or Brave, version 112 or newer. Default: the first one found' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l chrome-arg -d 'One more flag for Chromium (a proxy, a certificate to trust); repeatable' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l speech-model -d 'Folder of the speech model, for a machine that cannot download it (README: Speech). Default: c2c\'s cache, filled on first use' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l speech -d 'Which speech model recognises the far end: tiny (the default: quick) or base (reads fast and accented voices better, about six times slower; an 83 MB download, once). A scenario\'s `speech:` chooses for its own call. A --speech-model folder holds one model and is used whatever this says' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l signalling -d 'Point the page\'s Voice SDK at this signalling address instead of Twilio\'s (a staging or test stand-in), as HOST[:PORT]' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l allow-country -d 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID\'s country' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l caller-id -d 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l auth-token -d 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l edge -d 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l api-base -d 'Base URL of the Twilio REST API, for proxies and tests' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l authtoken -d 'ngrok authtoken. Default: the ngrok agent\'s own config file' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l domain -d 'Reserved or free static ngrok domain, so the public URL stays the same across runs' -r
complete -c c2c -n "__fish_c2c_using_subcommand test" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand test" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand test" -l json -d 'Print each call\'s outcome as a JSON object, one a line, on standard output'
complete -c c2c -n "__fish_c2c_using_subcommand test" -l tunnel -d 'Open an ngrok tunnel and point the TwiML App at it for the calls, as serve --tunnel does'
complete -c c2c -n "__fish_c2c_using_subcommand test" -l force -d 'Replace the TwiML App\'s Voice URL even when it points somewhere c2c did not set'
complete -c c2c -n "__fish_c2c_using_subcommand test" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand test" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand test" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand token" -l identity -d 'Client identity the token is for (letters, digits, _ - .). Default: a fresh one per run' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l ttl -d 'How long the token stays valid: seconds (3600) or a duration (90m, 2h); at most 24h' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l param -d 'Parameter Twilio passes to the TwiML App on outgoing calls; repeatable' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l decode -d 'Show the header and claims of TOKEN (or of the token on standard input) instead' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l account-sid -d 'Account SID (AC…), from the Twilio Console\'s home page' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l api-key -d 'API Key SID (SK…), from Console > Account > API keys & tokens' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l api-secret -d 'The API Key\'s secret (prefer the environment or .env: flags show in `ps`)' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l region -d 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l app-sid -d 'TwiML App SID (AP…) whose Voice URL receives the page\'s calls' -r
complete -c c2c -n "__fish_c2c_using_subcommand token" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand token" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand token" -l no-incoming -d 'Leave out the grant to receive calls'
complete -c c2c -n "__fish_c2c_using_subcommand token" -l json -d 'Print {token, identity, expires_at} as JSON'
complete -c c2c -n "__fish_c2c_using_subcommand token" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand token" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand token" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand completions" -l config -d 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand completions" -l env-file -d 'Read settings from this dotenv file instead of ./.env' -r -F
complete -c c2c -n "__fish_c2c_using_subcommand completions" -s v -l verbose -d 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
complete -c c2c -n "__fish_c2c_using_subcommand completions" -s q -l quiet -d 'Log less: -q for warnings and errors only, -qq for errors only'
complete -c c2c -n "__fish_c2c_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c c2c -n "__fish_c2c_using_subcommand completions" -s V -l version -d 'Print version'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "serve" -d 'Serve the softphone page, /token and the /voice webhook'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "tunnel" -d 'Open only the tunnel, for a server that already runs'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "configure" -d 'Show or change where the TwiML App sends calls'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "doctor" -d 'Check the Twilio account for everything a call needs'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "call" -d 'Place a call from a headless browser, for scripts and CI'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "test" -d 'Run a suite of scenario files: many calls at once, split across machines'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "token" -d 'Print an Access Token for the browser softphone'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "completions" -d 'Print shell completions'
complete -c c2c -n "__fish_c2c_using_subcommand help; and not __fish_seen_subcommand_from serve tunnel configure doctor call test token completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
