<?php
// The API layer's configuration (agc/api.php, vicidial/non_agent_api.php, rest/index.php).
// Install as /etc/tapedeck/api-config.php (or name it with fastcgi_param TAPEDECK_API_CONFIG),
// readable by the PHP-FPM pool's user only: it holds passwords.
return [
    // tapedeckd's control socket ([control] socket in tapedeck.toml).
    'socket' => '/run/tapedeck/control.sock',
    // The recording log, read (read only) by non_agent_api.php's recording_lookup.
    'database' => '/var/lib/tapedeck/recordings.sqlite',
    // Seconds to wait for the daemon's reply (a STOP replies once its files are final).
    'socket_timeout' => 60,

    // API users, as VICIdial's vicidial_users: user => settings.
    //   pass          the password
    //   agent_api     may use agc/api.php (VICIdial's vdc_agent_api_access); default true
    //   api_allowed_functions  the functions it may use (VICIdial's api_allowed_functions),
    //                 e.g. ['recording']; default ['ALL_FUNCTIONS']
    //   user_group    VICIdial's user group, shown in the permission refusal
    //   user_level    VICIdial's user level; recording_lookup needs 7 or more …
    //   view_reports  … and this (VICIdial's "view reports")
    'users' => [
        '6666' => ['pass' => '1234', 'agent_api' => true, 'user_level' => 8, 'view_reports' => true],
    ],

    // Optional: an existing VICIdial server. Every function these scripts do not answer
    // themselves is sent there unchanged (null: such functions get "ERROR: function not valid").
    'upstream_agent_api' => null,          // e.g. 'http://vicidial.example/agc/api.php'
    'upstream_non_agent_api' => null,      // e.g. 'http://vicidial.example/vicidial/non_agent_api.php'

    // samples/rest: the keys accepted in "Authorization: Bearer <key>", and where the files
    // are served from (file_url = base + file name; null: a file:// URL of the local path).
    'rest_keys' => ['change-me'],
    'recording_url_base' => null,
];
