<?php
// MiniVoice-style recording controls over tapedeckd:
//   POST /v1/calls/<call_id>/recordings   Authorization: Bearer <key>   {"action": "start"|"stop"}
// <call_id> is the call_id given at call_start (or the one the daemon made up for it).
// See samples/README.md.

require __DIR__ . '/../php/lib/tapedeck.php';

function rest_reply(int $status, array $body): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($body, JSON_UNESCAPED_SLASHES), "\n";
    exit;
}

function rest_error(int $status, string $code, string $message): void
{
    rest_reply($status, ['error' => ['code' => $code, 'message' => $message]]);
}

/** The MiniVoice recording object of a daemon recording object. */
function rest_recording(array $r, string $callId): array
{
    $base = td_config()['recording_url_base'] ?? null;
    $file = basename($r['file_path']);
    return [
        'id' => $r['id'],
        'call_id' => $r['call_id'] ?? $callId,
        'status' => $r['status'],
        'storage_type' => $r['storage_type'],
        'file_url' => $base ? rtrim($base, '/') . '/' . rawurlencode($file) : 'file://' . $r['file_path'],
        'duration_seconds' => $r['duration_seconds'],
        'size_bytes' => $r['size_bytes'],
        'created_at' => $r['created_at'],
        'updated_at' => $r['updated_at'],
    ];
}

$path = parse_url($_SERVER['REQUEST_URI'] ?? '', PHP_URL_PATH) ?? '';
if (!preg_match('#/v1/calls/([^/]*)/recordings/?$#', $path, $m)) {
    rest_error(404, 'not_found', "no such resource: $path");
}
if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
    header('Allow: POST');
    rest_error(405, 'method_not_allowed', 'use POST');
}
$keys = td_config()['rest_keys'];
$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? '';
if (!preg_match('/^Bearer\s+(\S+)$/i', $auth, $bearer)
    || !array_filter($keys, fn ($k) => hash_equals((string)$k, $bearer[1]))) {
    rest_error(401, 'unauthorized', 'a valid Authorization: Bearer <key> header is required');
}
$callId = rawurldecode($m[1]);
if (!preg_match('/^[A-Za-z0-9_.-]{1,40}$/', $callId)) {
    rest_error(400, 'invalid_request', 'the call id must be 1 to 40 characters of A-Z a-z 0-9 _ - .');
}
$raw = file_get_contents('php://input');
$action = 'start';
if (trim($raw) !== '') {
    try {
        $body = json_decode($raw, true, 32, JSON_THROW_ON_ERROR);
    } catch (JsonException $error) {
        rest_error(400, 'invalid_json', 'the body is not valid JSON: ' . $error->getMessage());
    }
    if (!is_array($body) || array_is_list($body) && $body !== []) {
        rest_error(400, 'invalid_request', 'the body must be a JSON object');
    }
    if (array_key_exists('action', $body)) {
        $action = $body['action'];
        if (!in_array($action, ['start', 'stop'], true)) {
            rest_error(400, 'invalid_action', 'action must be "start" or "stop"');
        }
    }
}
$failure = $action === 'start' ? 'recording_start_failed' : 'recording_stop_failed';

$found = td_daemon_json(['function' => 'call_status', 'call_id' => $callId], $problem);
if ($found === null) {
    rest_error(502, $failure, "tapedeckd not reachable: $problem");
}
if (isset($found['error'])) {
    if ($found['error']['code'] === 'call_not_found') {
        rest_error(404, 'active_call_not_found', "no active call $callId");
    }
    rest_error(502, $failure, $found['error']['message']);
}
$agent = $found['data']['agent'];
$reply = td_daemon_json(['function' => 'recording', 'agent_user' => $agent['agent_user'],
                         'value' => $action === 'start' ? 'START' : 'STOP'], $problem);
if ($reply === null) {
    rest_error(502, $failure, "tapedeckd not reachable: $problem");
}
if (isset($reply['error'])) {
    $code = $reply['error']['code'];
    $message = $reply['error']['message'];
    if ($code === 'recording_not_started') {
        rest_error(404, 'recording_not_started', "no recording running on call $callId");
    }
    if ($code === 'agent_not_logged_in') {
        rest_error(404, 'active_call_not_found', "no active call $callId");
    }
    if ($code === 'station_unavailable') {
        // The call's station has no working capture: nothing to record the call from.
        rest_error(409, 'call_uuid_missing', "call $callId has no audio to record: $message");
    }
    rest_error(502, $failure, $message);
}
$recording = $action === 'start' ? $reply['data']['recording'] : $reply['data']['recordings'][0];
rest_reply(200, ['data' => ['call_id' => $callId, 'action' => $action,
                            'recording' => rest_recording($recording, $callId)]]);
