import FuzzDriver

FuzzDriver.run { data, size in
    RequestFuzz.test(FuzzDriver.bytes(data, size))
    return 0
}
