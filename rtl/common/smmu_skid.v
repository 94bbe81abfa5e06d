`resetall
`timescale 1ns / 1ps
`default_nettype none

// Full-throughput register slice (skid buffer) for one valid/ready channel.
// Output is registered (1 cycle latency), s_ready is registered (no
// combinational path from m_ready to s_ready), 1 transfer per cycle sustained.
module smmu_skid #(
    parameter WIDTH = 8   // payload bits
) (
    input  wire             clk,
    input  wire             rst,      // synchronous, active high

    input  wire [WIDTH-1:0] s_data,
    input  wire             s_valid,
    output wire             s_ready,

    output wire [WIDTH-1:0] m_data,
    output wire             m_valid,
    input  wire             m_ready
);

reg [WIDTH-1:0] out_data_reg, tmp_data_reg;
reg             out_valid_reg, tmp_valid_reg;

assign s_ready = !tmp_valid_reg;
assign m_valid = out_valid_reg;
assign m_data  = out_data_reg;

always @(posedge clk) begin
    if (rst) begin
        out_valid_reg <= 1'b0;
        tmp_valid_reg <= 1'b0;
        out_data_reg  <= {WIDTH{1'b0}};
        tmp_data_reg  <= {WIDTH{1'b0}};
    end else if (!out_valid_reg || m_ready) begin
        // output register is free this cycle: refill from tmp, else from input
        if (tmp_valid_reg) begin
            out_data_reg  <= tmp_data_reg;
            out_valid_reg <= 1'b1;
            tmp_valid_reg <= 1'b0;
        end else begin
            out_data_reg  <= s_data;
            out_valid_reg <= s_valid;
        end
    end else if (s_valid && !tmp_valid_reg) begin
        // output stalled: park the accepted beat in tmp
        tmp_data_reg  <= s_data;
        tmp_valid_reg <= 1'b1;
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen)
    assert(!tmp_valid_reg || out_valid_reg);                 // the parked beat is behind an output beat
always @(posedge clk) if (f_rst_seen && !rst && $past(f_rst_seen && !rst && out_valid_reg && !m_ready)) begin
    assert(out_valid_reg);                                   // VALID held until READY
    assert(out_data_reg == $past(out_data_reg));             // payload stable
end
`endif

endmodule

`resetall
