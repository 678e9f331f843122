import Testing

/// Every test that captures real-time signal from the shared PulseAudio server runs
/// inside this suite, one after another: on a 2-core machine, several real-time streams
/// at once (next to CPU-heavy tests) starve paplay and the server, and the audio the
/// tests measure stops being real time. The suites are nested in extensions in their
/// own files.
@Suite(.serialized) enum PulseAudioTests {}
