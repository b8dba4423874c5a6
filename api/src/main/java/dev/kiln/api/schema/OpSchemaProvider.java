package dev.kiln.api.schema;

import dev.kiln.api.Experimental;
import java.util.List;

/**
 * Contributes the schemas of one op family; listed in
 * {@code META-INF/services/dev.kiln.api.schema.OpSchemaProvider} so no central file names every op.
 */
@Experimental
public interface OpSchemaProvider {
    List<OpSchema> schemas();
}
