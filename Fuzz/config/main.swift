import FuzzDriver

FuzzDriver.run { data, size in
    ConfigFuzz.test(FuzzDriver.bytes(data, size))
    return 0
}
