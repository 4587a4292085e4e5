rchar: 6976
wchar: 0
syscr: 10
