// Process exit codes, shared by the CLI and the tests that check them.
#pragma once

namespace sf2pg {

enum ExitStatus : int {
  kExitDone = 0,       ///< Everything asked for is done.
  kExitFailed = 1,     ///< A run or check failed; see the log and the status tables.
  kExitUsage = 2,      ///< Bad command line or configuration; nothing was changed.
  kExitResumable = 3,  ///< Stopped early (deadline, signal); the run is partial and resumable.
  /// The run completed, but a table received fewer rows than its plan counted (the source
  /// changed, or rows were lost on the way): run `sf2pg verify` for the tables named.
  kExitShortfall = 4,
};

}  // namespace sf2pg
