"""Errors that reach the user as one line, without a traceback."""


class UserError(Exception):
    """A mistake in the user's input (flags, files, names); the CLI prints it on one line and exits 2."""


class CannotRun(UserError):
    """A generator cannot make samples with the given options (e.g. two images per sample from a
    scene file of one); ``generate`` skips it and names it, and fails only when none can run."""


class NotApplicable(Exception):
    """A question family cannot ask a well-posed question about this spec (e.g. no unique maximum).

    The engine catches it and tries another family; it is never an error of the generator.
    """
