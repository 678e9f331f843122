import FileCheckFuzz
import FuzzDriver

// One fuzz input is the content of a file named .mp3: see FileCheckFuzz.
FuzzDriver.run { data, size in
    FileCheckFuzz.test(FuzzDriver.bytes(data, size), fileExtension: "mp3")
    return 0
}
