package dev.lockstep.nn;

/** What a traced graph is for. Layers such as batch norm and dropout behave differently in TRAIN. */
public enum Mode {
    TRAIN, EVAL, PREDICT;

    public boolean training() {
        return this == TRAIN;
    }
}
