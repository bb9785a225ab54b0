// Linked into every test project (tests/Directory.Build.props). Tests assert exact live-tensor and
// live-byte counts of the process-wide CPU backend; test classes running in parallel would allocate
// at the same time and make those readings meaningless (and the CLI tests swap Console.Out), so
// each test assembly runs serially.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
