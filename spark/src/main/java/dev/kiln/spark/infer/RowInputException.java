package dev.kiln.spark.infer;

import dev.kiln.api.InvalidInputException;

/**
 * A row's column does not fit the model input it maps to (wrong length, element type or a null). Names
 * the row (partition and position in it, and its id column's value when one is set) and the input.
 */
public final class RowInputException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final String row;
    private final String input;

    public RowInputException(String row, String input, String problem) {
        super(row + ", model input '" + input + "': " + problem);
        this.row = row;
        this.input = input;
    }

    /** The row, as "partition P row R" (plus "id X" when an id column is set). */
    public String row() {
        return row;
    }

    public String input() {
        return input;
    }
}
