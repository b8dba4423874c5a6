package dev.kiln.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemas;
import dev.kiln.api.tensor.DType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KitCatalogTest {
    @Test
    void everyGeneratedNodeMatchesItsOpSchemaAndEveryCaseNameIsUnique() {
        for (KitOp op : KitCatalog.ops()) {
            OpSchema schema = OpSchemas.lookup("", op.opType(), BackendConformance.OPSET);
            assertNotNull(schema, op.opType() + " has no schema at opset " + BackendConformance.OPSET);
            Set<String> names = new HashSet<>();
            for (DType t : op.types()) {
                List<KitCase> cases = CaseGenerator.cases(op, t);
                assertFalse(cases.isEmpty(), op.opType());
                for (KitCase c : cases) {
                    assertNull(schema.checkArity(c.node()), c.name());
                    assertEquals(c.node().inputs().size(), c.inputs().size(), c.name());
                    assertTrue(c.inputs().stream().allMatch(x -> x.dtype() == t), c.name());
                    assertTrue(names.add(c.name()), "case names identify cases: " + c.name() + " twice");
                }
            }
        }
    }

    @Test
    void casesCoverScalarsEmptyTensorsBroadcastingAndLargeOddSizes() {
        KitOp add = KitCatalog.ops().stream().filter(o -> o.opType().equals("Add")).findFirst().orElseThrow();
        List<String> names = CaseGenerator.cases(add, DType.FLOAT).stream().map(KitCase::name).toList();
        assertTrue(names.contains("Add float32 [] , [3,4]"), names.toString());
        assertTrue(names.contains("Add float32 [0,4] , [4]"), names.toString());
        assertTrue(names.contains("Add float32 [3,1] , [1,4]"), names.toString());
        assertTrue(names.contains("Add float32 [67,131] , [131]"), names.toString());
        KitCase same = CaseGenerator.cases(add, DType.FLOAT).get(0);
        assertTrue(same.inputs().get(0).contentEquals(CaseGenerator.cases(add, DType.FLOAT).get(0).inputs().get(0)), "values are reproducible");
    }
}
