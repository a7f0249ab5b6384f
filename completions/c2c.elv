
use builtin;
use str;

set edit:completion:arg-completer[c2c] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'c2c'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'c2c'= {
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve the softphone page, /token and the /voice webhook'
            cand tunnel 'Open only the tunnel, for a server that already runs'
            cand configure 'Show or change where the TwiML App sends calls'
            cand doctor 'Check the Twilio account for everything a call needs'
            cand call 'Place a call from a headless browser, for scripts and CI'
            cand token 'Print an Access Token for the browser softphone'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'c2c;serve'= {
            cand --allow-country 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country'
            cand --caller-id 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)'
            cand --port 'Local port to listen on (0 picks a free one)'
            cand --host 'Local address to listen on'
            cand --public-url 'The public URL Twilio reaches this server through, when you run your own tunnel or proxy'
            cand --signalling 'Point the page''s Voice SDK at this signalling address instead of Twilio''s (a staging or test stand-in), as HOST[:PORT]'
            cand --token-ttl 'How long the page''s access tokens last (the page fetches a fresh one before expiry)'
            cand --token-rate 'Tokens each client may get per minute from /token (0: no limit)'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --auth-token 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls'
            cand --edge 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)'
            cand --api-base 'Base URL of the Twilio REST API, for proxies and tests'
            cand --authtoken 'ngrok authtoken. Default: the ngrok agent''s own config file'
            cand --domain 'Reserved or free static ngrok domain, so the public URL stays the same across runs'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --tunnel 'Open an ngrok tunnel and point the TwiML App''s Voice URL at it until c2c exits'
            cand --open 'Open the page in the default browser once the server is ready'
            cand --share 'Also serve the page and /token through the tunnel, behind a password that c2c prints'
            cand --insecure-unsigned-webhooks 'Answer public webhooks without checking X-Twilio-Signature (unsafe: anyone could place calls on your account)'
            cand --force 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;tunnel'= {
            cand --port 'Local port the tunnel forwards to'
            cand --path 'Path of the voice webhook on that server'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --auth-token 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls'
            cand --edge 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)'
            cand --api-base 'Base URL of the Twilio REST API, for proxies and tests'
            cand --authtoken 'ngrok authtoken. Default: the ngrok agent''s own config file'
            cand --domain 'Reserved or free static ngrok domain, so the public URL stays the same across runs'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --force 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;configure'= {
            cand --url 'Set the Voice URL to this address'
            cand --create 'Create a TwiML App with this friendly name and print its SID'
            cand --number 'Send calls to this Twilio number (E.164) to the TwiML App'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --auth-token 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls'
            cand --edge 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)'
            cand --api-base 'Base URL of the Twilio REST API, for proxies and tests'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --from-ngrok-agent 'Set the Voice URL from the tunnel of an ngrok agent running here (its API on port 4040)'
            cand --restore 'Put back the Voice URL that an interrupted c2c run replaced'
            cand --dry-run 'Say what would change without changing it'
            cand --json 'Print the result as JSON'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;doctor'= {
            cand --to 'Also check that this number can be called: the dial policy and its country''s permission'
            cand --allow-country 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country'
            cand --caller-id 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --auth-token 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls'
            cand --edge 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)'
            cand --api-base 'Base URL of the Twilio REST API, for proxies and tests'
            cand --authtoken 'ngrok authtoken. Default: the ngrok agent''s own config file'
            cand --domain 'Reserved or free static ngrok domain, so the public URL stays the same across runs'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --json 'Print the report as JSON'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;call'= {
            cand --play 'WAV file the far end hears, as the page''s microphone; default: silence'
            cand --digits 'Keys to press once the far end answers (0-9 * #; w waits half a second)'
            cand --record 'Write what the page heard to this WAV file (16 kHz mono)'
            cand --step 'A step of the call''s scenario, run in order once the far end answers; repeatable'
            cand --scenario 'A YAML file whose `steps:` list is the scenario (run before any --step)'
            cand --junit 'Write a JUnit XML report: one test case per step, the recording attached'
            cand --timeout 'Give up when nobody answers within this long after the call is placed'
            cand --hangup-after 'Hang up this long after the answer, whatever the steps are doing'
            cand --speech-model 'Folder of the speech model, for a machine that cannot download it (README: Speech). Default: c2c''s cache, filled on first use'
            cand --server 'Use this running c2c serve (its page, token and webhook) instead of starting one'
            cand --public-url 'The public URL Twilio reaches the in-process server through, behind a tunnel of your own'
            cand --chrome 'Browser to run: Chromium, Chrome, Edge or Brave. Default: the first one found (see above)'
            cand --chrome-arg 'One more flag for Chromium (a proxy, a certificate to trust); repeatable'
            cand --signalling 'Point the page''s Voice SDK at this signalling address instead of Twilio''s (a staging or test stand-in), as HOST[:PORT]'
            cand --allow-country 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country'
            cand --caller-id 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --auth-token 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls'
            cand --edge 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)'
            cand --api-base 'Base URL of the Twilio REST API, for proxies and tests'
            cand --authtoken 'ngrok authtoken. Default: the ngrok agent''s own config file'
            cand --domain 'Reserved or free static ngrok domain, so the public URL stays the same across runs'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --json 'Print the outcome as JSON on standard output'
            cand --transcribe 'Write down what the far end says (in --json and --junit), with or without speech steps'
            cand --tunnel 'Open an ngrok tunnel and point the TwiML App at it for the call, as serve --tunnel does'
            cand --force 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;token'= {
            cand --identity 'Client identity the token is for (letters, digits, _ - .). Default: a fresh one per run'
            cand --ttl 'How long the token stays valid: seconds (3600) or a duration (90m, 2h); at most 24h'
            cand --param 'Parameter Twilio passes to the TwiML App on outgoing calls; repeatable'
            cand --decode 'Show the header and claims of TOKEN (or of the token on standard input) instead'
            cand --account-sid 'Account SID (AC…), from the Twilio Console''s home page'
            cand --api-key 'API Key SID (SK…), from Console > Account > API keys & tokens'
            cand --api-secret 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)'
            cand --region 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)'
            cand --app-sid 'TwiML App SID (AP…) whose Voice URL receives the page''s calls'
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand --no-incoming 'Leave out the grant to receive calls'
            cand --json 'Print {token, identity, expires_at} as JSON'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;completions'= {
            cand --config 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml'
            cand --env-file 'Read settings from this dotenv file instead of ./.env'
            cand -v 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand --verbose 'Log more: -v for debug lines from c2c, -vv for its dependencies too'
            cand -q 'Log less: -q for warnings and errors only, -qq for errors only'
            cand --quiet 'Log less: -q for warnings and errors only, -qq for errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'c2c;help'= {
            cand serve 'Serve the softphone page, /token and the /voice webhook'
            cand tunnel 'Open only the tunnel, for a server that already runs'
            cand configure 'Show or change where the TwiML App sends calls'
            cand doctor 'Check the Twilio account for everything a call needs'
            cand call 'Place a call from a headless browser, for scripts and CI'
            cand token 'Print an Access Token for the browser softphone'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'c2c;help;serve'= {
        }
        &'c2c;help;tunnel'= {
        }
        &'c2c;help;configure'= {
        }
        &'c2c;help;doctor'= {
        }
        &'c2c;help;call'= {
        }
        &'c2c;help;token'= {
        }
        &'c2c;help;completions'= {
        }
        &'c2c;help;help'= {
        }
    ]
    $completions[$command]
}
