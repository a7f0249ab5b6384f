
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'c2c' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'c2c'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'c2c' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the softphone page, /token and the /voice webhook')
            [CompletionResult]::new('tunnel', 'tunnel', [CompletionResultType]::ParameterValue, 'Open only the tunnel, for a server that already runs')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Show or change where the TwiML App sends calls')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the Twilio account for everything a call needs')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Place a call from a headless browser, for scripts and CI')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run a suite of scenario files: many calls at once, split across machines')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an Access Token for the browser softphone')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'c2c;serve' {
            [CompletionResult]::new('--allow-country', '--allow-country', [CompletionResultType]::ParameterName, 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country')
            [CompletionResult]::new('--caller-id', '--caller-id', [CompletionResultType]::ParameterName, 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local port to listen on (0 picks a free one)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Local address to listen on')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public URL Twilio reaches this server through, when you run your own tunnel or proxy')
            [CompletionResult]::new('--signalling', '--signalling', [CompletionResultType]::ParameterName, 'Point the page''s Voice SDK at this signalling address instead of Twilio''s (a staging or test stand-in), as HOST[:PORT]')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'How long the page''s access tokens last (the page fetches a fresh one before expiry)')
            [CompletionResult]::new('--token-rate', '--token-rate', [CompletionResultType]::ParameterName, 'Tokens each client may get per minute from /token (0: no limit)')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--authtoken', '--authtoken', [CompletionResultType]::ParameterName, 'ngrok authtoken. Default: the ngrok agent''s own config file')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Reserved or free static ngrok domain, so the public URL stays the same across runs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--tunnel', '--tunnel', [CompletionResultType]::ParameterName, 'Open an ngrok tunnel and point the TwiML App''s Voice URL at it until c2c exits')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the page in the default browser once the server is ready')
            [CompletionResult]::new('--share', '--share', [CompletionResultType]::ParameterName, 'Also serve the page and /token through the tunnel, behind a password that c2c prints')
            [CompletionResult]::new('--insecure-unsigned-webhooks', '--insecure-unsigned-webhooks', [CompletionResultType]::ParameterName, 'Answer public webhooks without checking X-Twilio-Signature (unsafe: anyone could place calls on your account)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;tunnel' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local port the tunnel forwards to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Path of the voice webhook on that server')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--authtoken', '--authtoken', [CompletionResultType]::ParameterName, 'ngrok authtoken. Default: the ngrok agent''s own config file')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Reserved or free static ngrok domain, so the public URL stays the same across runs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;configure' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Set the Voice URL to this address')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create a TwiML App with this friendly name and print its SID')
            [CompletionResult]::new('--number', '--number', [CompletionResultType]::ParameterName, 'Send calls to this Twilio number (E.164) to the TwiML App')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--from-ngrok-agent', '--from-ngrok-agent', [CompletionResultType]::ParameterName, 'Set the Voice URL from the tunnel of an ngrok agent running here (its API on port 4040)')
            [CompletionResult]::new('--restore', '--restore', [CompletionResultType]::ParameterName, 'Put back the Voice URL that an interrupted c2c run replaced')
            [CompletionResult]::new('--sip', '--sip', [CompletionResultType]::ParameterName, 'Make (or find) the SIP Domain, Credential List and credential c2c calls SIP with')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would change without changing it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;doctor' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Also check that this number can be called: the dial policy and its country''s permission')
            [CompletionResult]::new('--allow-country', '--allow-country', [CompletionResultType]::ParameterName, 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country')
            [CompletionResult]::new('--caller-id', '--caller-id', [CompletionResultType]::ParameterName, 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--authtoken', '--authtoken', [CompletionResultType]::ParameterName, 'ngrok authtoken. Default: the ngrok agent''s own config file')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Reserved or free static ngrok domain, so the public URL stays the same across runs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;call' {
            [CompletionResult]::new('--play', '--play', [CompletionResultType]::ParameterName, 'WAV file the far end hears, as the page''s microphone; default: silence')
            [CompletionResult]::new('--say', '--say', [CompletionResultType]::ParameterName, 'Words to say once the far end answers (after --play), in c2c''s own voice, offline (the voice is downloaded once, on first use); a step can say more (`say`)')
            [CompletionResult]::new('--digits', '--digits', [CompletionResultType]::ParameterName, 'Keys to press once the far end answers (0-9 * #; w waits half a second)')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Write what the page heard to this WAV file (16 kHz mono)')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'A step of the call''s scenario, run in order once the far end answers; repeatable')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'A scenario file (YAML, as c2c test runs them): its call, options and `steps:` (run before any --step); flags given here win over its options')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write a JUnit XML report: one test case per step, the recording attached')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up when nobody answers within this long after the call is placed [default: 30s]')
            [CompletionResult]::new('--hangup-after', '--hangup-after', [CompletionResultType]::ParameterName, 'Hang up this long after the answer, whatever the steps are doing; none: only when the steps or the far end end the call [default: 10m]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use this running c2c serve (its page, token and webhook) instead of starting one')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public URL Twilio reaches the in-process server through, behind a tunnel of your own')
            [CompletionResult]::new('--leg', '--leg', [CompletionResultType]::ParameterName, 'How c2c calls: browser (its page in headless Chromium, through the Voice SDK: the default, and the only leg that tests a WebRTC client) or sip (a SIP user agent into c2c''s SIP Domain, with no browser: hundreds of calls a machine; set it up once with `c2c configure --sip`)')
            [CompletionResult]::new('--sip-proxy', '--sip-proxy', [CompletionResultType]::ParameterName, 'Send the SIP leg''s INVITEs to this address (IP:PORT) instead of the SIP Domain''s own: a stand-in for tests, or a proxy of your own')
            [CompletionResult]::new('--sip-transport', '--sip-transport', [CompletionResultType]::ParameterName, 'What the SIP leg''s signalling travels over: udp (the default), tcp (for a network that drops UDP) or tls (port 5061, the Domain''s certificate checked against this machine''s trusted authorities, or SSL_CERT_FILE''s)')
            [CompletionResult]::new('--sip-media', '--sip-media', [CompletionResultType]::ParameterName, 'The SIP leg''s sound: rtp (the default) or srtp, which a SIP Domain with Secure Media on requires (it refuses everything else); srtp goes over TLS, chosen for it')
            [CompletionResult]::new('--chrome', '--chrome', [CompletionResultType]::ParameterName, 'Browser to run: Chromium, Chrome, Edge or Brave, version 112 or newer. Default: the first one found')
            [CompletionResult]::new('--chrome-arg', '--chrome-arg', [CompletionResultType]::ParameterName, 'One more flag for Chromium (a proxy, a certificate to trust); repeatable')
            [CompletionResult]::new('--speech-model', '--speech-model', [CompletionResultType]::ParameterName, 'Folder of the speech model, for a machine that cannot download it (README: Speech). Default: c2c''s cache, filled on first use')
            [CompletionResult]::new('--speech', '--speech', [CompletionResultType]::ParameterName, 'Which speech model recognises the far end: tiny (the default: quick) or base (reads fast and accented voices better, about six times slower; an 83 MB download, once). A scenario''s `speech:` chooses for its own call. A --speech-model folder holds one model and is used whatever this says')
            [CompletionResult]::new('--signalling', '--signalling', [CompletionResultType]::ParameterName, 'Point the page''s Voice SDK at this signalling address instead of Twilio''s (a staging or test stand-in), as HOST[:PORT]')
            [CompletionResult]::new('--allow-country', '--allow-country', [CompletionResultType]::ParameterName, 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country')
            [CompletionResult]::new('--caller-id', '--caller-id', [CompletionResultType]::ParameterName, 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--authtoken', '--authtoken', [CompletionResultType]::ParameterName, 'ngrok authtoken. Default: the ngrok agent''s own config file')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Reserved or free static ngrok domain, so the public URL stays the same across runs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON on standard output')
            [CompletionResult]::new('--transcribe', '--transcribe', [CompletionResultType]::ParameterName, 'Write down what the far end says (in --json and --junit), with or without speech steps')
            [CompletionResult]::new('--tunnel', '--tunnel', [CompletionResultType]::ParameterName, 'Open an ngrok tunnel and point the TwiML App at it for the calls, as serve --tunnel does')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;test' {
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Calls in flight at once: auto, or from 1 to 1000. auto starts two, doubles while every call stays healthy and backs off when a call is starved of CPU (a browser carries 25; more start a second). Through SIP (--leg sip) a machine carries hundreds: give a number')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Run each scenario this many times, from 1 to 1000')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Start at most R new calls a second, from 0.01 to 100 (such as 2, or 0.5), for a steady load')
            [CompletionResult]::new('--retry-inconclusive', '--retry-inconclusive', [CompletionResultType]::ParameterName, 'Run each inconclusive call again, up to N times, from 0 to 10, once the others are done (an inconclusive call is one c2c could not hear in time, its machine too busy)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run only the I-th of N shares of the suite (1-based; stable for the same files), as I/N: each machine of a CI matrix runs one')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write one JUnit XML report: a test suite per scenario file, a test case per step')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use this running c2c serve (its page, token and webhook) instead of starting one')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public URL Twilio reaches the in-process server through, behind a tunnel of your own')
            [CompletionResult]::new('--leg', '--leg', [CompletionResultType]::ParameterName, 'How c2c calls: browser (its page in headless Chromium, through the Voice SDK: the default, and the only leg that tests a WebRTC client) or sip (a SIP user agent into c2c''s SIP Domain, with no browser: hundreds of calls a machine; set it up once with `c2c configure --sip`)')
            [CompletionResult]::new('--sip-proxy', '--sip-proxy', [CompletionResultType]::ParameterName, 'Send the SIP leg''s INVITEs to this address (IP:PORT) instead of the SIP Domain''s own: a stand-in for tests, or a proxy of your own')
            [CompletionResult]::new('--sip-transport', '--sip-transport', [CompletionResultType]::ParameterName, 'What the SIP leg''s signalling travels over: udp (the default), tcp (for a network that drops UDP) or tls (port 5061, the Domain''s certificate checked against this machine''s trusted authorities, or SSL_CERT_FILE''s)')
            [CompletionResult]::new('--sip-media', '--sip-media', [CompletionResultType]::ParameterName, 'The SIP leg''s sound: rtp (the default) or srtp, which a SIP Domain with Secure Media on requires (it refuses everything else); srtp goes over TLS, chosen for it')
            [CompletionResult]::new('--chrome', '--chrome', [CompletionResultType]::ParameterName, 'Browser to run: Chromium, Chrome, Edge or Brave, version 112 or newer. Default: the first one found')
            [CompletionResult]::new('--chrome-arg', '--chrome-arg', [CompletionResultType]::ParameterName, 'One more flag for Chromium (a proxy, a certificate to trust); repeatable')
            [CompletionResult]::new('--speech-model', '--speech-model', [CompletionResultType]::ParameterName, 'Folder of the speech model, for a machine that cannot download it (README: Speech). Default: c2c''s cache, filled on first use')
            [CompletionResult]::new('--speech', '--speech', [CompletionResultType]::ParameterName, 'Which speech model recognises the far end: tiny (the default: quick) or base (reads fast and accented voices better, about six times slower; an 83 MB download, once). A scenario''s `speech:` chooses for its own call. A --speech-model folder holds one model and is used whatever this says')
            [CompletionResult]::new('--signalling', '--signalling', [CompletionResultType]::ParameterName, 'Point the page''s Voice SDK at this signalling address instead of Twilio''s (a staging or test stand-in), as HOST[:PORT]')
            [CompletionResult]::new('--allow-country', '--allow-country', [CompletionResultType]::ParameterName, 'Country the page may call, as a region code (US, GB) or calling code (+44); repeatable. Default: the caller ID''s country')
            [CompletionResult]::new('--caller-id', '--caller-id', [CompletionResultType]::ParameterName, 'The phone number calls come from (E.164, a Twilio number or a verified caller ID)')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--auth-token', '--auth-token', [CompletionResultType]::ParameterName, 'Auth Token: checks webhook signatures, and can stand in for the API Key on REST calls')
            [CompletionResult]::new('--edge', '--edge', [CompletionResultType]::ParameterName, 'Twilio edge location for REST calls (ashburn, dublin, sydney, ...)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Base URL of the Twilio REST API, for proxies and tests')
            [CompletionResult]::new('--authtoken', '--authtoken', [CompletionResultType]::ParameterName, 'ngrok authtoken. Default: the ngrok agent''s own config file')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Reserved or free static ngrok domain, so the public URL stays the same across runs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each call''s outcome as a JSON object, one a line, on standard output')
            [CompletionResult]::new('--tunnel', '--tunnel', [CompletionResultType]::ParameterName, 'Open an ngrok tunnel and point the TwiML App at it for the calls, as serve --tunnel does')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the TwiML App''s Voice URL even when it points somewhere c2c did not set')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;token' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Client identity the token is for (letters, digits, _ - .). Default: a fresh one per run')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the token stays valid: seconds (3600) or a duration (90m, 2h); at most 24h')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Parameter Twilio passes to the TwiML App on outgoing calls; repeatable')
            [CompletionResult]::new('--decode', '--decode', [CompletionResultType]::ParameterName, 'Show the header and claims of TOKEN (or of the token on standard input) instead')
            [CompletionResult]::new('--account-sid', '--account-sid', [CompletionResultType]::ParameterName, 'Account SID (AC…), from the Twilio Console''s home page')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API Key SID (SK…), from Console > Account > API keys & tokens')
            [CompletionResult]::new('--api-secret', '--api-secret', [CompletionResultType]::ParameterName, 'The API Key''s secret (prefer the environment or .env: flags show in `ps`)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Twilio region for tokens and REST calls (us1, ie1, au1, jp1)')
            [CompletionResult]::new('--app-sid', '--app-sid', [CompletionResultType]::ParameterName, 'TwiML App SID (AP…) whose Voice URL receives the page''s calls')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('--no-incoming', '--no-incoming', [CompletionResultType]::ParameterName, 'Leave out the grant to receive calls')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {token, identity, expires_at} as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this TOML file instead of $XDG_CONFIG_HOME/c2c/config.toml')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read settings from this dotenv file instead of ./.env')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug lines from c2c, -vv for its dependencies too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log less: -q for warnings and errors only, -qq for errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'c2c;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the softphone page, /token and the /voice webhook')
            [CompletionResult]::new('tunnel', 'tunnel', [CompletionResultType]::ParameterValue, 'Open only the tunnel, for a server that already runs')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Show or change where the TwiML App sends calls')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the Twilio account for everything a call needs')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Place a call from a headless browser, for scripts and CI')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run a suite of scenario files: many calls at once, split across machines')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an Access Token for the browser softphone')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'c2c;help;serve' {
            break
        }
        'c2c;help;tunnel' {
            break
        }
        'c2c;help;configure' {
            break
        }
        'c2c;help;doctor' {
            break
        }
        'c2c;help;call' {
            break
        }
        'c2c;help;test' {
            break
        }
        'c2c;help;token' {
            break
        }
        'c2c;help;completions' {
            break
        }
        'c2c;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
