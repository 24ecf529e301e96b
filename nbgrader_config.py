"""nbgrader configuration for the backprop-lab course (the course root is this folder)."""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    ClearHiddenTests, ClearMarkScheme, ClearOutput, GetGrades, IncludeHeaderFooter, LockCells,
)

from backprop_lab.course.nbgrader_feedback import ClearHiddenTestsInFeedback, HideHiddenTestTracebacks

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# The folder of this file, as an absolute path (nbgrader warns on every command about a
# relative one); traitlets gives a config file its own __file__.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))  # noqa: F821
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.solution_directory = "solutions"
# The course of nbgrader's exchange (release_assignment, fetch_assignment, submit, collect);
# where the exchange lives is the system's c.Exchange.root (default /srv/nbgrader/exchange).
c.CourseDirectory.course_id = "backprop-lab"

# Worked solutions: no hidden tests, no outputs, not executed (so they are reproducible byte for byte).
c.GenerateSolution.preprocessors = [
    IncludeHeaderFooter, LockCells, ClearOutput, ClearMarkScheme, ClearHiddenTests,
]

# Feedback shows each hidden test's verdict and message, but not its code.
c.GenerateFeedback.preprocessors = [
    GetGrades, HideHiddenTestTracebacks, ClearHiddenTestsInFeedback, CSSHTMLHeaderPreprocessor,
]

# A test cell that runs longer than this is stopped and scores zero; the kernel is interrupted, not lost.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# nbgrader scores any cell that writes to stderr as failed. A correct answer that triggers a
# warning must not lose its points: drop every stderr stream; real failures still raise.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"
