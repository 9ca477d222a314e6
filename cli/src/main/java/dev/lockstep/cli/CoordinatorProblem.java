package dev.lockstep.cli;

/**
 * The coordinator refused a request, could not be reached or did not answer in time: one line on stderr
 * (the coordinator's own description names the job, rank or field) and exit code 1.
 */
final class CoordinatorProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CoordinatorProblem(String message) {
        super(message.replace('\n', ' ').replace('\r', ' '));
    }
}
