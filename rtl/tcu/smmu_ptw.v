`resetall
`timescale 1ns / 1ps
`default_nettype none

// One stage-1 page-table walker: VMSAv8-64, 4 KiB granule, TTB0, T0SZ 16..39
// (start level 0, 1 or 2), table / block (L1 1 GiB, L2 2 MiB) / page
// descriptors. One 8-byte descriptor read at a time on its walker-port reader.
//
// A read is offered as early as its address is known: the first one in the
// start cycle (from the start inputs), the next level's in the cycle its table
// descriptor arrives (from that descriptor). Taken there (rd_ready), the walker
// waits for the data at once (S_R); otherwise it offers the address from its
// registers in S_AR, as it does for every read that had to wait.
//
// The input-range checks (T0SZ, TBI0, EPD0, VA[55]) are made before a walk is
// started; the walker reports, in the architecture's priority order:
//   external abort on a descriptor read    -> F_WALK_EABT (fetch address)
//   invalid / L3 reserved / L0 block        -> F_TRANSLATION
//   table or output address >= 2^eff_IPS    -> F_ADDR_SIZE
//   AF=0 and CD.AFFD=0                      -> F_ACCESS
// or a translation: output block base, size, nG and the effective
// permissions (APTable / UXNTable / PXNTable inherited, "EL0-writable is
// PXN", WXN). Permissions are checked per access by the caller, because
// transactions of different access types share a walk.
module smmu_ptw #(
    parameter OAS_BITS = 48
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                start,       // only while idle
    input  wire [47:12]        va,
    input  wire [47:4]         ttb0,
    input  wire [5:0]          t0sz,
    input  wire [2:0]          ips,         // effective IPS encoding (<= OAS)
    input  wire                affd,
    input  wire                wxn,
    // walk cache (smmu_wcache), taken with start: begin at wc_level with table
    // wc_table and the APTable/UXNTable/PXNTable bits wc_acc of the levels above
    input  wire                wc_hit,
    input  wire [1:0]          wc_level,
    input  wire [OAS_BITS-1:12] wc_table,
    input  wire [3:0]          wc_acc,      // {APTable, UXNTable, PXNTable}
    output wire                idle,

    output reg                 done,        // one-cycle pulse with the result
    output reg  [2:0]          fault,       // FLT_*
    output reg  [OAS_BITS-1:0] fetch_addr,  // descriptor address (F_WALK_EABT)
    output reg  [OAS_BITS-1:12] pa,         // output block/page base
    output reg  [1:0]          size,        // 0: 4 KiB, 1: 2 MiB, 2: 1 GiB
    output reg                 ng,
    output reg  [4:0]          perm,        // {PW, UR, UW, PX, UX}
    output reg  [2:0]          attridx,     // leaf AttrIndx (CD.MAIR index)
    output reg  [1:0]          sh,          // leaf SH
    // a table descriptor was taken last cycle (one-cycle pulse): its level, the
    // next-level table and the table bits accumulated down to it
    output reg                 td_valid,
    output wire [1:0]          td_level,
    output wire [OAS_BITS-1:12] td_table,
    output wire [3:0]          td_acc,

    output wire [OAS_BITS-1:0] rd_addr,
    output wire                rd_valid,
    input  wire                rd_ready,
    input  wire                rd_rvalid,
    input  wire [63:0]         rd_rdata,
    input  wire [1:0]          rd_rresp
);

`include "smmu_cd.vh"

`include "smmu_xlt.vh"   // FLT_*: the fault codes
localparam [1:0] S_IDLE = 2'd0, S_AR = 2'd1, S_R = 2'd2;

reg [1:0]   state_reg;
reg [47:12] va_reg;
reg [2:0]   ips_reg;
reg         affd_reg, wxn_reg;
reg [1:0]   level_reg;
reg [47:12] table_reg;      // the table of the last table descriptor (walk-cache fill)
reg [1:0]   aptable_reg;
reg         uxntable_reg, pxntable_reg;

assign idle     = state_reg == S_IDLE;

// ---------------------------------------------------------- start level
// 16..24 -> L0, 25..33 -> L1, 34..39 -> L2; the start table holds
// 2^(IAS - shift) descriptors and TTB0 is aligned to its size
wire [1:0] start_level = (t0sz <= 6'd24) ? 2'd0 : (t0sz <= 6'd33) ? 2'd1 : 2'd2;
wire [6:0] ias         = 7'd64 - {1'b0, t0sz};
wire [5:0] start_shift = (start_level == 2'd0) ? 6'd39 : (start_level == 2'd1) ? 6'd30 : 6'd21;
wire [6:0] idx_bits    = ias - {1'b0, start_shift};
wire [47:0] ttb_mask   = (48'd8 << idx_bits) - 48'd1;
wire [47:0] ttb_byte   = {ttb0, 4'd0};
wire [48:0] wc_byte    = {{(49-OAS_BITS){1'b0}}, wc_table, 12'd0};

assign td_level = level_reg - 2'd1;
assign td_table = table_reg[OAS_BITS-1:12];
assign td_acc   = {aptable_reg, uxntable_reg, pxntable_reg};

// ---------------------------------------------------------- descriptor address
// Bits of the VA above IAS are zero (range-checked before the walk), so the
// 9-bit index of every level also fits the smaller start table.
function [8:0] va_idx;
    input [1:0]   level;
    input [47:12] v;
    begin
        case (level)
            2'd0:    va_idx = v[47:39];
            2'd1:    va_idx = v[38:30];
            2'd2:    va_idx = v[29:21];
            default: va_idx = v[20:12];
        endcase
    end
endfunction
// the read of the start cycle, of the next level, of S_AR: S_AR is entered only
// from those two cycles, which also write fetch_addr with the read's address
wire [1:0]  st_level   = wc_hit ? wc_level : start_level;
wire [47:0] st_table   = wc_hit ? wc_byte[47:0] : ttb_byte & ~ttb_mask;
wire [47:0] st_addr    = st_table + {36'd0, va_idx(st_level, va), 3'b000};
wire [47:0] nx_addr;                                    // (descriptor checks, below)
wire        st_rd      = state_reg == S_IDLE && start;
wire        nx_rd;
assign rd_valid = state_reg == S_AR || st_rd || nx_rd;
wire [47:0] rd_addr_w  = st_rd ? st_addr : nx_addr;
assign rd_addr = (st_rd || nx_rd) ? rd_addr_w[OAS_BITS-1:0] : fetch_addr;
wire unused_addr = &{1'b0, rd_addr_w[47:OAS_BITS-1]};

// ---------------------------------------------------------- descriptor checks
wire [5:0] ips_bits = ips_to_bits(ips_reg);

// the descriptor is checked in the cycle its R beat arrives
wire [63:0] desc_w   = rd_rdata;
wire        d_valid  = desc_w[0];
wire        d_table  = desc_w[1];
wire [47:0] nlta     = {desc_w[47:12], 12'd0};
reg  [47:0] oa;
always @* begin
    case (level_reg)
        2'd1:    oa = {desc_w[47:30], 30'd0};
        2'd2:    oa = {desc_w[47:21], 21'd0};
        default: oa = {desc_w[47:12], 12'd0};
    endcase
end
wire        nlta_big = (nlta >> ips_bits) != 48'd0;
wire        oa_big   = (oa >> ips_bits) != 48'd0;
wire        is_table = d_table && level_reg != 2'd3;
wire        reserved = (level_reg == 2'd3 && !d_table) || (level_reg == 2'd0 && !d_table);
// a table descriptor the walk goes on from: the next level's read is offered now
assign nx_rd   = state_reg == S_R && rd_rvalid && rd_rresp == 2'b00 && d_valid && is_table && !nlta_big;
assign nx_addr = nlta + {36'd0, va_idx(level_reg + 2'd1, va_reg), 3'b000};

// leaf permissions
wire [1:0] ap      = desc_w[7:6];
wire [1:0] apt     = aptable_reg;
wire       l_uw0   = ap == 2'b01;
wire       l_pw    = !ap[1] && !apt[1];
wire       l_ur    = ap[0] && !apt[0];
wire       l_uw    = l_uw0 && !apt[0] && !apt[1];
wire       l_ux0   = !(desc_w[54] || uxntable_reg);
wire       l_px0   = !(desc_w[53] || pxntable_reg || l_uw);
wire       l_ux    = l_ux0 && !(wxn_reg && l_uw);
wire       l_px    = l_px0 && !(wxn_reg && l_pw);

wire unused_desc = &{1'b0, desc_w[63], desc_w[58:55], desc_w[52:48], desc_w[5],
                     oa[11:0], nlta[11:0], wc_byte[48]};

always @(posedge clk) begin
    done     <= 1'b0;
    td_valid <= 1'b0;
    if (rst) begin
        state_reg    <= S_IDLE;
        va_reg       <= 36'd0;
        ips_reg      <= 3'd0;
        affd_reg     <= 1'b0;
        wxn_reg      <= 1'b0;
        level_reg    <= 2'd0;
        table_reg    <= 36'd0;
        aptable_reg  <= 2'd0;
        uxntable_reg <= 1'b0;
        pxntable_reg <= 1'b0;
        fault        <= FLT_NONE;
        fetch_addr   <= {OAS_BITS{1'b0}};
        pa           <= {(OAS_BITS-12){1'b0}};
        size         <= 2'd0;
        ng           <= 1'b0;
        perm         <= 5'd0;
        attridx      <= 3'd0;
        sh           <= 2'd0;
    end else begin
        case (state_reg)
            S_IDLE: if (start) begin
                va_reg       <= va;
                ips_reg      <= ips;
                affd_reg     <= affd;
                wxn_reg      <= wxn;
                level_reg    <= st_level;
                aptable_reg  <= wc_hit ? wc_acc[3:2] : 2'd0;
                uxntable_reg <= wc_hit && wc_acc[1];
                pxntable_reg <= wc_hit && wc_acc[0];
                fetch_addr   <= st_addr[OAS_BITS-1:0];
                state_reg    <= rd_ready ? S_R : S_AR;
            end
            S_AR: if (rd_ready)
                state_reg  <= S_R;
            default: if (rd_rvalid) begin   // S_R: check the descriptor as it arrives
                fault <= FLT_NONE;
                pa    <= oa[OAS_BITS-1:12];
                size  <= (level_reg == 2'd1) ? 2'd2 : (level_reg == 2'd2) ? 2'd1 : 2'd0;
                ng    <= desc_w[11];
                perm  <= {l_pw, l_ur, l_uw, l_px, l_ux};
                attridx <= desc_w[4:2];
                sh      <= desc_w[9:8];
                state_reg <= S_IDLE;
                done      <= 1'b1;
                if (rd_rresp != 2'b00)
                    fault <= FLT_EABT;
                else if (!d_valid || reserved)
                    fault <= FLT_TRANSLATION;
                else if (is_table) begin
                    if (nlta_big)
                        fault <= FLT_ADDR_SIZE;
                    else begin
                        done         <= 1'b0;
                        td_valid     <= 1'b1;
                        table_reg    <= nlta[47:12];
                        level_reg    <= level_reg + 1'b1;
                        aptable_reg  <= aptable_reg | desc_w[62:61];
                        uxntable_reg <= uxntable_reg | desc_w[60];
                        pxntable_reg <= pxntable_reg | desc_w[59];
                        fetch_addr   <= nx_addr[OAS_BITS-1:0];
                        state_reg    <= rd_ready ? S_R : S_AR;
                    end
                end else if (oa_big)
                    fault <= FLT_ADDR_SIZE;
                else if (!desc_w[10] && !affd_reg)
                    fault <= FLT_ACCESS;
            end
        endcase
    end
end

// ---------------------------------------------------------- formal (yosys-sby only)
`ifdef FORMAL
reg f_from_l0 = 1'b0;   // the walk in progress started at level 0
always @(posedge clk)
    if (rst)
        f_from_l0 <= 1'b0;
    else if (state_reg == S_IDLE && start)
        f_from_l0 <= start_level == 2'd0;
always @(posedge clk) if (!rst) begin
    assert(state_reg != 2'd3);   // S_IDLE, S_AR, S_R only
`ifdef SMMU_FORMAL_DEEP
    // a full walk: four descriptors read (levels 0..3), a 4 KiB page, no fault
    cover(done && f_from_l0 && fault == FLT_NONE && size == 2'd0);
`endif
end
`endif

endmodule

`resetall
