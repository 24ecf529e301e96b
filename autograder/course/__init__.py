"""The course tools around the engine: nbgrader (regenerate, the gradebook, feedback),
the student kit, the Gradescope bundle and the PrairieLearn export."""
