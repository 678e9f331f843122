import FuzzDriver

FuzzDriver.run { data, size in
    JSONFuzz.test(FuzzDriver.bytes(data, size))
    return 0
}
