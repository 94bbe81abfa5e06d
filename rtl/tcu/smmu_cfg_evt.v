`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_cfg_evt: the event records of the configuration engine (smmu_cfg) and the buffer that
// holds them for the event queue.
//
// * Records: every record a lookup can make, formatted from the latched request (StreamID,
//   SSV, SubstreamID, address, direction) as IHI 0070 7.3 lays them out; the engine picks one
//   (its check order) and keeps it until the buffer takes it.
// * Buffer: a fault answers ABORT as soon as its record is in this buffer, so a record
//   waiting for the event queue does not hold lookups of other streams; only a full buffer
//   makes the engine wait (smmu_cfg S_EVT).
// * Sequence numbers of buffered records (mod 8, at most 4 buffered): the transaction of a
//   recorded configuration fault leaves only once its record has gone to the event queue
//   (smmu_xlt_q), so a client never sees the abort of a record that could still be dropped
//   later.
module smmu_cfg_evt #(
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48,
    parameter EVQ_LOG2 = 2     // 2**EVQ_LOG2 records buffered
) (
    input  wire                clk,
    input  wire                rst,

    // the lookup in progress
    input  wire [SID_W-1:0]    sid,
    input  wire [SSID_W-1:0]   ssid,
    input  wire                ssv,
    input  wire [63:0]         addr,
    input  wire                rnw,
    input  wire                pnu,             // PnU and InD after PRIVCFG/INSTCFG
    input  wire                ind,
    input  wire [OAS_BITS-1:0] fetch_addr,      // the STE or CD fetch that failed

    output wire [255:0]        rec_bad_streamid,  // C_BAD_STREAMID
    output wire [255:0]        rec_bad_ste,       // C_BAD_STE
    output wire [255:0]        rec_bad_ssid,      // C_BAD_SUBSTREAMID
    output wire [255:0]        rec_disabled,      // F_STREAM_DISABLED
    output wire [255:0]        rec_bad_cd,        // C_BAD_CD
    output wire [255:0]        rec_ste_fetch,     // F_STE_FETCH at fetch_addr
    output wire [255:0]        rec_cd_fetch,      // F_CD_FETCH at fetch_addr
    output reg  [255:0]        rec_addr_size,     // F_ADDR_SIZE of addr

    // the buffer
    input  wire                push,            // the engine offers its record (S_EVT)
    input  wire [255:0]        push_data,
    output wire                push_room,       // ... and the buffer takes it
    output reg  [2:0]          push_seq,        // sequence number of the record taken next
    output wire [255:0]        evt_data,
    output wire                evt_valid,
    input  wire                evt_ready,
    output wire                rec_pop,         // a buffered record goes to the event queue
    output reg  [2:0]          rec_pop_seq      // ... its sequence number
);

localparam [7:0] EV_C_BAD_STREAMID = 8'h02, EV_F_STE_FETCH = 8'h03, EV_C_BAD_STE = 8'h04,
                 EV_F_STREAM_DISABLED = 8'h06, EV_C_BAD_SUBSTREAMID = 8'h08,
                 EV_F_CD_FETCH = 8'h09, EV_C_BAD_CD = 8'h0A, EV_F_ADDR_SIZE = 8'h11;

// ---------------------------------------------------------- records
function [255:0] ev_rec;
    input [7:0] id;
    input       with_ssid;
    input       with_ssv;
    input [SID_W-1:0]  sid_f;
    input [SSID_W-1:0] ssid_f;
    input       ssv_f;
    begin
        ev_rec = 256'd0;
        ev_rec[7:0]   = id;
        ev_rec[11]    = with_ssv && ssv_f;
        ev_rec[31:12] = (with_ssid && (ssv_f || !with_ssv)) ? {{(20-SSID_W){1'b0}}, ssid_f} : 20'd0;
        ev_rec[63:32] = {{(32-SID_W){1'b0}}, sid_f};
    end
endfunction

assign rec_bad_streamid = ev_rec(EV_C_BAD_STREAMID,    1'b1, 1'b1, sid, ssid, ssv);
assign rec_bad_ste      = ev_rec(EV_C_BAD_STE,         1'b1, 1'b1, sid, ssid, ssv);
assign rec_bad_ssid     = ev_rec(EV_C_BAD_SUBSTREAMID, 1'b1, 1'b0, sid, ssid, ssv);
assign rec_disabled     = ev_rec(EV_F_STREAM_DISABLED, 1'b0, 1'b0, sid, ssid, ssv);
assign rec_bad_cd       = ev_rec(EV_C_BAD_CD,          1'b1, 1'b1, sid, ssid, ssv);

// the header (SID, SSV, SubstreamID) of a record that reports the SubstreamID
wire [255:0] ev_hdr = ev_rec(8'd0, 1'b1, 1'b1, sid, ssid, ssv);

// F_STE_FETCH / F_CD_FETCH: FetchAddr[OAS-1:3] at dw3[OAS-1:3]; the fetch is 8-byte aligned
wire [63:0] fetch_dw3 = {{(64-OAS_BITS){1'b0}}, fetch_addr[OAS_BITS-1:3], 3'b000};
assign rec_ste_fetch = {fetch_dw3, ev_hdr[191:8], EV_F_STE_FETCH};
assign rec_cd_fetch  = {fetch_dw3, ev_hdr[191:8], EV_F_CD_FETCH};
wire unused_fa = &{1'b0, fetch_addr[2:0]};

always @* begin
    rec_addr_size = ev_hdr;
    rec_addr_size[7:0] = EV_F_ADDR_SIZE;
    rec_addr_size[64+33] = pnu;
    rec_addr_size[64+34] = ind && rnw;
    rec_addr_size[64+35] = rnw;
    rec_addr_size[64+41:64+40] = 2'd2;    // CLASS = IN
    rec_addr_size[191:128] = addr;
end

// ---------------------------------------------------------- buffer
wire              evq_valid;
wire [EVQ_LOG2:0] evq_count;   // not used: the buffer's own full/empty say enough
smmu_fifo #(.WIDTH(256), .DEPTH_LOG2(EVQ_LOG2)) evq_inst (
    .clk(clk), .rst(rst),
    .s_data(push_data), .s_valid(push), .s_ready(push_room),
    .m_data(evt_data), .m_valid(evq_valid), .m_ready(evt_ready),
    .count(evq_count)
);
wire unused_evq = &{1'b0, evq_count};
assign evt_valid = evq_valid;
assign rec_pop   = evq_valid && evt_ready;

always @(posedge clk) begin
    if (rst) begin
        push_seq    <= 3'd0;
        rec_pop_seq <= 3'd0;
    end else begin
        if (push && push_room)
            push_seq <= push_seq + 3'd1;
        if (rec_pop)
            rec_pop_seq <= rec_pop_seq + 3'd1;
    end
end

endmodule

`resetall
