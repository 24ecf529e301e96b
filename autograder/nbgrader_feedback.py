"""An nbgrader preprocessor for feedback: hidden tests show their verdict, never their code.

nbgrader puts hidden tests back before autograding, so the feedback notebook holds them,
and an error's traceback quotes the failing line. This keeps only the error's message.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

from .notebooks import HIDDEN_MARKER

_MESSAGE_ONLY = ("CheckFailure", "StudentCodeError")


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_MARKER in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    ename, evalue = output.get("ename"), output.get("evalue")
                    # the check library's errors are their message alone, as in Jupyter
                    output["traceback"] = [evalue if ename in _MESSAGE_ONLY
                                           else f"{ename}: {evalue}"]
        return cell, resources
