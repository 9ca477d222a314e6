package dev.lockstep.coordinator;

/** Where a job is in its life; SUCCEEDED, FAILED and CANCELLED are final. */
public enum JobState {
    WAITING_FOR_WORKERS, RUNNING, RESHAPING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    dev.lockstep.proto.v1.JobState toProto() {
        return switch (this) {
            case WAITING_FOR_WORKERS -> dev.lockstep.proto.v1.JobState.WAITING_FOR_WORKERS;
            case RUNNING -> dev.lockstep.proto.v1.JobState.RUNNING;
            case RESHAPING -> dev.lockstep.proto.v1.JobState.RESHAPING;
            case SUCCEEDED -> dev.lockstep.proto.v1.JobState.SUCCEEDED;
            case FAILED -> dev.lockstep.proto.v1.JobState.FAILED;
            case CANCELLED -> dev.lockstep.proto.v1.JobState.CANCELLED;
        };
    }

    static JobState fromProto(dev.lockstep.proto.v1.JobState s) {
        return switch (s) {
            case WAITING_FOR_WORKERS -> WAITING_FOR_WORKERS;
            case RUNNING -> RUNNING;
            case RESHAPING -> RESHAPING;
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
            case JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no job state " + s);
        };
    }
}
