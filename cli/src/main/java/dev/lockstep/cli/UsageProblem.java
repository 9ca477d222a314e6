package dev.lockstep.cli;

/** A problem with what the user asked for (arguments, files, spec): exit code 2, message only. */
final class UsageProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageProblem(String message) {
        super(message);
    }
}
