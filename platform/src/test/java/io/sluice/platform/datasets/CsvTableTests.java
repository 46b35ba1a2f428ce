package io.sluice.platform.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTableTests {

    @Test
    void readsQuotedCellsKeepsEmptyLinesAsRowsAndIgnoresTheBomAndTheTrailingLine() {
        CsvTable table = CsvTable.parse("\uFEFF x , \"label\"\r\n1.5,\"a, \"\"quoted\"\"\"\n\n2,b\n".getBytes(StandardCharsets.UTF_8));

        assertThat(table.header()).containsExactly("x", "label");
        assertThat(table.rows()).hasSize(3);
        assertThat(table.rows().get(0).cells()).containsExactly("1.5", "a, \"quoted\"");
        assertThat(table.rows().get(1).empty()).isTrue();
        assertThat(table.rows().get(2).index()).isEqualTo(2);
        assertThat(table.values(2, List.of("label", "x"))).containsExactly("b", "2");
    }

    @Test
    void namesTheMissingRowOrColumn() {
        CsvTable table = CsvTable.parse("x,label\n1\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> table.values(5, List.of("x"))).hasMessageContaining("row 5 does not exist");
        assertThatThrownBy(() -> table.values(0, List.of("y"))).hasMessageContaining("column 'y' is not in the header");
        assertThatThrownBy(() -> table.values(0, List.of("label"))).hasMessageContaining("row 0 has no value for column 'label'");
        assertThat(CsvTable.parse(new byte[0]).rows()).isEmpty();
    }
}
