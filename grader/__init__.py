"""keras-kata's grader: loads submissions, runs them isolated, scores and reports."""
