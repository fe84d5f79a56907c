"""Questionnaires (问卷调查): satisfaction and social-recognition surveys answered without an account."""
