<?php
// A drop-in agc/api.php for a Tapedeck box: VICIdial's Agent API for function=recording (and
// version, logout), answered by tapedeckd through its control socket. Every other function
// goes, unchanged, to the VICIdial server named by upstream_agent_api, when there is one.
// See samples/README.md.

require __DIR__ . '/../lib/tapedeck.php';

$config = td_config();
$account = td_front(['recording', 'logout'], $config['upstream_agent_api'], true);
$function = td_get('function');
$user = td_get('user');
$agent_user = td_get('agent_user');
$value = td_get('value');
$stage = td_get('stage');
if (!td_allowed($account, $function)) {
    td_answer("ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - $value|$user|$function|"
        . ($account['user_group'] ?? ''));
}

if ($function === 'logout') {
    if ($value !== 'LOGOUT') {
        td_answer("ERROR: logout not valid - $value|$agent_user");
    }
    if ($config['upstream_agent_api']) {
        // VICIdial logs its agent screen out; the presence sync then logs the agent out here.
        td_forward($config['upstream_agent_api']);
    }
    $reply = td_daemon(['function' => 'logout', 'agent_user' => $agent_user], false, $problem);
    if ($reply === null) {
        td_answer("ERROR: recording server not reachable - $problem");
    }
    td_answer(str_starts_with($reply, 'SUCCESS:') ? "SUCCESS: logout function set - LOGOUT|" . time() . "|$agent_user" : $reply);
}

// function=recording. VICIdial matches value by substring (START with trailing junk still starts).
$word = $value;
foreach (['START', 'STOP', 'STATUS'] as $candidate) {
    if (str_contains($value, $candidate)) {
        $word = $candidate;
        break;
    }
}
$request = ['function' => 'recording', 'agent_user' => $agent_user, 'value' => $word];
if ($word === 'START' && $stage !== '') {
    $request['stage'] = $stage;
}
$reply = td_daemon($request, false, $problem);
td_answer($reply ?? "ERROR: recording server not reachable - $problem");
