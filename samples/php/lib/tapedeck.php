<?php
// Shared by agc/api.php, vicidial/non_agent_api.php and rest/index.php: the configuration,
// VICIdial's parameter cleaning, the API users, the control socket and the upstream server.

const TAPEDECK_API_VERSION = '1.0-tapedeck';
const TAPEDECK_API_BUILD = '261202-0100';

/** The configuration: the PHP file named by TAPEDECK_API_CONFIG (a fastcgi_param), which
 *  returns an array; see samples/php/config.example.php. */
function td_config(): array
{
    static $config = null;
    if ($config !== null) {
        return $config;
    }
    $path = getenv('TAPEDECK_API_CONFIG') ?: ($_SERVER['TAPEDECK_API_CONFIG'] ?? '/etc/tapedeck/api-config.php');
    $loaded = is_readable($path) ? include $path : null;
    if (!is_array($loaded)) {
        td_answer("ERROR: API configuration not readable - $path", 500);
    }
    $config = $loaded + [
        'socket' => '/run/tapedeck/control.sock',
        'database' => '/var/lib/tapedeck/recordings.sqlite',
        'users' => [],
        'upstream_agent_api' => null,
        'upstream_non_agent_api' => null,
        'socket_timeout' => 60,
        'rest_keys' => [],
    ];
    return $config;
}

/** One request parameter as VICIdial reads it: GET first, then POST; '' when absent. */
function td_param(string $name): string
{
    $value = $_GET[$name] ?? $_POST[$name] ?? '';
    return is_string($value) ? $value : '';
}

/** VICIdial's cleaning: characters outside each parameter's set are deleted (not replaced).
 *  stage loses only ' " \ ; (the daemon sanitises it further, see docs/protocol.md). */
function td_clean(string $name, string $value): string
{
    switch ($name) {
        case 'pass':
            return preg_replace('/[^-.+\/=_0-9a-zA-Z]/', '', $value);
        case 'stage':
            return preg_replace('/[\'"\\\\;]/', '', $value);
        case 'lead_id':
            return preg_replace('/[^0-9]/', '', $value);
        case 'date':
            return preg_replace('/[^-0-9]/', '', $value);
        case 'uniqueid':
            return preg_replace('/[^-_.0-9a-zA-Z]/', '', $value);
        case 'agent_user':
        case 'source':
            return preg_replace('/[^0-9a-zA-Z]/', '', $value);
        default: // user, function, value, extension, header, duration
            return preg_replace('/[^-_0-9a-zA-Z]/', '', $value);
    }
}

/** A cleaned parameter. */
function td_get(string $name): string
{
    return td_clean($name, td_param($name));
}

/** Writes one reply as VICIdial does (HTTP 200 unless told, text/html) and ends the script. */
function td_answer(string $text, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: text/html; charset=utf-8');
    echo $text, "\n";
    exit;
}

/** The API user's entry, or null when user/pass do not match one in the configuration. */
function td_authenticate(string $user, string $pass, bool $agentApi, ?string &$failure = null): ?array
{
    // VICIdial's check: the password (auth), the user's API access (auth_api, independent of
    // the password) and its message, all shown in the refusal as |user|pass|auth|auth_api|message|.
    $entry = td_config()['users'][$user] ?? null;
    $auth = $entry !== null && hash_equals((string)($entry['pass'] ?? ''), $pass) ? 1 : 0;
    $authApi = $entry !== null && (!$agentApi || ($entry['agent_api'] ?? true)) ? 1 : 0;
    if (strlen($user) < 2 || strlen($pass) < 2 || $auth === 0 || $authApi === 0) {
        $failure = "|$user|$pass|$auth|$authApi|" . ($auth ? 'GOOD' : 'BAD') . '|';
        return null;
    }
    return $entry;
}

/** VICIdial's per-function permission (vicidial_users.api_allowed_functions): a list of
 *  function names, or ALL_FUNCTIONS (the default). */
function td_allowed(array $account, string $function): bool
{
    $allowed = $account['api_allowed_functions'] ?? ['ALL_FUNCTIONS'];
    return in_array('ALL_FUNCTIONS', $allowed, true) || in_array($function, $allowed, true);
}

/** Sends one request line to tapedeckd and returns its reply: the line without "\n", or, with
 *  $multiline, every line up to the empty line (or the single ERROR line). Null when the daemon
 *  cannot be reached or closes the connection before replying. */
function td_daemon(array $params, bool $multiline = false, ?string &$problem = null): ?string
{
    $config = td_config();
    $conn = @stream_socket_client('unix://' . $config['socket'], $errno, $errstr, 5);
    if ($conn === false) {
        $problem = "cannot connect to {$config['socket']}: $errstr";
        return null;
    }
    stream_set_timeout($conn, (int)$config['socket_timeout']);
    $line = is_string($params['json'] ?? null) ? $params['json'] : http_build_query($params);
    fwrite($conn, $line . "\n");
    $lines = [];
    while (($read = fgets($conn)) !== false) {
        $read = rtrim($read, "\n");
        if (!$multiline) {
            fclose($conn);
            return $read;
        }
        if ($read === '' || (count($lines) === 0 && str_starts_with($read, 'ERROR:'))) {
            if ($read !== '') {
                $lines[] = $read;
            }
            fclose($conn);
            return implode("\n", $lines);
        }
        $lines[] = $read;
    }
    fclose($conn);
    $problem = 'tapedeckd closed the connection without a reply';
    return null;
}

/** JSON request: the decoded reply, or null (with $problem) when the daemon is not reachable. */
function td_daemon_json(array $request, ?string &$problem = null): ?array
{
    $reply = td_daemon(['json' => json_encode($request, JSON_UNESCAPED_SLASHES)], false, $problem);
    return $reply === null ? null : json_decode($reply, true);
}

/** Passes the request on, unchanged, to the VICIdial script at $url and answers with its body.
 *  The query string is forwarded as received (VICIdial reads GET first), POST bodies too. */
function td_forward(string $url): void
{
    $target = $url . (($_SERVER['QUERY_STRING'] ?? '') !== '' ? '?' . $_SERVER['QUERY_STRING'] : '');
    $post = ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST';
    $context = stream_context_create(['http' => [
        'method' => $post ? 'POST' : 'GET',
        'header' => $post ? "Content-Type: application/x-www-form-urlencoded\r\n" : '',
        'content' => $post ? file_get_contents('php://input') : '',
        'timeout' => 30,
        'ignore_errors' => true,
    ]]);
    $body = @file_get_contents($target, false, $context);
    if ($body === false) {
        td_answer("ERROR: upstream VICIdial server not reachable - $url", 502);
    }
    http_response_code(200);
    header('Content-Type: text/html; charset=utf-8');
    echo $body;
    exit;
}

/** What both drop-ins do first: answer version; send the functions they do not own to the
 *  upstream VICIdial script (or refuse them); check user/pass. Returns the API user's entry. */
function td_front(array $owned, ?string $upstream, bool $agentApi): array
{
    $function = td_get('function');
    if ($function === 'version') {
        td_answer(td_version_line());
    }
    if (!in_array($function, $owned, true)) {
        // agent_status is VICIdial's read-only lookup with its own reply, not the daemon's
        // agent_status (which sets the status): it is never sent to the socket.
        if ($upstream) {
            td_forward($upstream);
        }
        td_answer($function === '' ? 'ERROR: NO FUNCTION SPECIFIED' : "ERROR: function not valid - $function");
    }
    $source = td_get('source');
    if (strlen($source) < 2) {
        td_answer("ERROR: Invalid Source - $source");
    }
    $user = td_get('user');
    $pass = td_get('pass');
    $account = td_authenticate($user, $pass, $agentApi, $failure);
    if ($account === null) {
        td_answer("ERROR: Invalid Username/Password: $failure");
    }
    return $account;
}

/** VICIdial's function=version line, with this API layer's version and build. */
function td_version_line(): string
{
    $now = time();
    return 'VERSION: ' . TAPEDECK_API_VERSION . '|BUILD: ' . TAPEDECK_API_BUILD . '|DATE: ' . date('Y-m-d H:i:s', $now)
        . '|EPOCH: ' . $now;
}
