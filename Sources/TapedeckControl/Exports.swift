// The shared vocabulary (stage, formats, MPEG tables, field rules, JSON, end causes) and the
// domain's commands and results (Command, Reply, ControlError, the snapshots, Event) are part
// of the protocol's API: code importing TapedeckControl sees them too.
@_exported import TapedeckVocabulary
@_exported import TapedeckDomain
