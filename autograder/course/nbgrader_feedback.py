"""An nbgrader preprocessor for feedback: hidden tests show their verdict, never their code.

nbgrader puts hidden tests back before autograding, so the feedback notebook holds them,
and an error's traceback quotes the failing line. This keeps only the error's message.
"""
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import List

from ..notebooks import HIDDEN_MARKER

# nbconvert's HTML exporter configures NbConvertBase.display_data_priority, which nbgrader's
# preprocessors declare again without config=True: traitlets then logs "Config option
# `display_data_priority` not recognized" for each of them on every generate_feedback (nbgrader's
# own GetGrades declares it configurable, as these do). They do not use it.
_PRIORITY = ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png",
             "image/jpeg", "text/plain"]


class ClearHiddenTestsInFeedback(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, quiet in generate_feedback."""

    display_data_priority = List(_PRIORITY, config=True)

_MESSAGE_ONLY = ("CheckFailure", "StudentCodeError")


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    display_data_priority = List(_PRIORITY, config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_MARKER in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    ename, evalue = output.get("ename"), output.get("evalue")
                    # the check library's errors are their message alone, as in Jupyter
                    output["traceback"] = [evalue if ename in _MESSAGE_ONLY
                                           else f"{ename}: {evalue}"]
        return cell, resources
