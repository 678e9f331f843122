// The shared vocabulary (stage, formats, MPEG tables, field rules, JSON, end causes) is
// part of the protocol's API: code importing TapedeckControl sees it too.
@_exported import TapedeckVocabulary
