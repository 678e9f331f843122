import FileCheckFuzz
import FuzzDriver

// One fuzz input is the content of a file named .wav: see FileCheckFuzz.
FuzzDriver.run { data, size in
    FileCheckFuzz.test(FuzzDriver.bytes(data, size), fileExtension: "wav")
    return 0
}
