package dev.kiln.spark.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Turns DataFrame rows with array columns into {@link Example}s numbered in input order. Stateless. */
final class RowArrays {
    private RowArrays() {
    }

    static JavaRDD<Example> examples(Dataset<Row> rows, String input, String label) {
        for (String c : new String[] {input, label}) {
            if (!java.util.Arrays.asList(rows.columns()).contains(c)) {
                throw new IllegalArgumentException("no column '" + c + "'; columns: " + java.util.Arrays.toString(rows.columns()));
            }
        }
        return rows.select(input, label).javaRDD().zipWithIndex()
                .map(t -> new Example(t._2(), floats(t._1(), 0, input, t._2()), floats(t._1(), 1, label, t._2())));
    }

    /** A float or double array field (or a single number) as float[]. */
    static float[] floats(Row row, int field, String column, long index) {
        if (row.isNullAt(field)) {
            throw new IllegalArgumentException("row " + index + ": column '" + column + "' is null");
        }
        Object v = row.get(field);
        if (v instanceof Number x) {
            return new float[] {x.floatValue()};
        }
        List<Object> list = row.getList(field);
        float[] a = new float[list.size()];
        for (int i = 0; i < a.length; i++) {
            if (!(list.get(i) instanceof Number x)) {
                throw new IllegalArgumentException("row " + index + ": column '" + column + "' element " + i + " is "
                        + list.get(i) + "; expected a number");
            }
            a[i] = x.floatValue();
        }
        return a;
    }
}
