"""Grading a whole class: `kata grade-many` (grader.grading.batch), one child process per
submission (grader.grading.one), safe unzipping (grader.grading.archive) and the instructor's
class report (grader.grading.classreport)."""
