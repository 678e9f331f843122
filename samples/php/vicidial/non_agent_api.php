<?php
// A drop-in vicidial/non_agent_api.php for a Tapedeck box: function=recording_lookup (and
// version) in VICIdial's format, read from the daemon's recording log (SQLite, read only).
// Every other function goes, unchanged, to upstream_non_agent_api when there is one.
// See samples/README.md.

require __DIR__ . '/../lib/tapedeck.php';

$config = td_config();
$account = td_front(['recording_lookup'], $config['upstream_non_agent_api'], false);
$user = td_get('user');
$level = (int)($account['user_level'] ?? 0);
if ($level < 7 || !($account['view_reports'] ?? false)) {
    td_answer("ERROR: recording_lookup USER DOES NOT HAVE PERMISSION TO GET RECORDING INFO - $user|$level");
}

$agent_user = td_get('agent_user');
$lead_id = td_get('lead_id');
$date = td_get('date');
$uniqueid = td_get('uniqueid');
$extension = td_get('extension');
$search = "$user|$agent_user|$lead_id|$date|$uniqueid";

// lead_id or uniqueid alone is specific enough; agent_user, date and extension only together
// with another field.
$weak = count(array_filter([$agent_user, $date, $extension], fn ($v) => $v !== ''));
if ($lead_id === '' && $uniqueid === '' && $weak < 2) {
    td_answer("ERROR: recording_lookup INVALID SEARCH PARAMETERS - $search");
}

$where = [];
$bind = [];
if ($agent_user !== '') { $where[] = 'user = :user'; $bind[':user'] = $agent_user; }
if ($lead_id !== '') {
    // VICIdial's lead_id is an integer: 42 finds a row whose lead_id was given as 0042.
    $where[] = "ltrim(lead_id, '0') = :lead";
    $bind[':lead'] = ltrim($lead_id, '0');
}
if ($date !== '') {
    $where[] = 'start_time BETWEEN :from AND :to';
    $bind[':from'] = "$date 00:00:00";
    $bind[':to'] = "$date 23:59:59";
}
if ($uniqueid !== '') {
    // A prefix of the call's unique id (the daemon's call_id, vicidial_id in the log).
    $where[] = "vicidial_id LIKE :unique ESCAPE '\\'";
    $bind[':unique'] = addcslashes($uniqueid, '%_\\') . '%';
}
if ($extension !== '') { $where[] = 'extension = :ext'; $bind[':ext'] = $extension; }

try {
    $db = new SQLite3($config['database'], SQLITE3_OPEN_READONLY);
    $db->enableExceptions(true);
    $db->busyTimeout(10000);
    $query = $db->prepare('SELECT start_time, user, recording_id, lead_id, length_in_sec, location FROM recording_log WHERE '
        . implode(' AND ', $where) . ' ORDER BY start_epoch, recording_id LIMIT 100000');
    foreach ($bind as $key => $v) {
        $query->bindValue($key, $v, SQLITE3_TEXT);
    }
    $result = $query->execute();
    $rows = [];
    while (($row = $result->fetchArray(SQLITE3_ASSOC)) !== false) {
        $rows[] = $row;
    }
    $db->close();
} catch (Exception $error) {
    td_answer('ERROR: recording_lookup recording log not readable - ' . $error->getMessage());
}

if (count($rows) === 0) {
    td_answer("ERROR: recording_lookup NO RECORDINGS FOUND - $search");
}
$delimiter = ['csv' => ',', 'tab' => "\t"][td_get('stage')] ?? '|';
$with_duration = td_get('duration') === 'Y';
$columns = $with_duration ? ['start_time', 'user', 'recording_id', 'lead_id', 'length_in_sec', 'location']
                          : ['start_time', 'user', 'recording_id', 'lead_id', 'location'];
$lines = [];
if (td_get('header') === 'YES') {
    $header = $columns;
    if ($with_duration) {
        $header[4] = 'duration';
    }
    $lines[] = implode($delimiter, $header);
}
foreach ($rows as $row) {
    // lead_id is an integer in VICIdial's rows: no leading zeros.
    if ($row['lead_id'] !== null) {
        $row['lead_id'] = ltrim($row['lead_id'], '0') ?: '0';
    }
    $lines[] = implode($delimiter, array_map(fn ($c) => (string)($row[$c] ?? ''), $columns));
}
td_answer(implode("\n", $lines));
