import PackCLI

await PackdMain.main()
