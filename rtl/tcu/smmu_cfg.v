`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"
`include "smmu_cd_w.vh"

// Configuration engine: for one transaction at a time, find its Stream Table
// Entry and Context Descriptor (through a small configuration cache), check
// them as the SMMUv3 architecture says, and answer ABORT, BYPASS or STAGE1
// with the CD fields the walker needs. Configuration faults are recorded as
// event records (see docs/spec-notes-config.md for every rule and its source).
//
// * Linear stream table only (IDR0.ST_LEVEL=0), linear CD table (CD2L=0),
//   stage 1 only (S2P=0): Config 110/111 are ILLEGAL.
// * Only valid configurations are cached (never a fault), tagged {SID,SSV,SSID}.
// * CFGI: entries with (sid & mask) == (cfgi_sid & mask) are dropped; a fetch
//   that was in flight when a CFGI arrived does not fill the cache, and
//   sync_block holds CMD_SYNC until that fetch has finished.
// * Only the STE doublewords 0-1 and CD doublewords 0-3 are fetched (smmu_cfg_fetch).
module smmu_cfg #(
    parameter SID_W       = 8,
    parameter SSID_W      = 8,
    parameter OAS_BITS    = 48,
    parameter CFG_ENTRIES = 8,    // configuration cache entries
    parameter STALL_MODEL = 0,
    parameter TAG_W       = 1,    // requester tag carried to the response
    parameter EVQ_LOG2    = 2     // 2**EVQ_LOG2 configuration records buffered for the event queue
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                smmuen,          // CR0ACK.SMMUEN: nothing is cached with SMMUEN=0

    input  wire [OAS_BITS-1:0] strtab_base,     // STRTAB_BASE.ADDR, byte address
    input  wire [5:0]          strtab_log2size,
    input  wire                recinvsid,       // CR2.RECINVSID
    input  wire [5:0]          table_attr,      // CR1 {TABLE_SH, TABLE_OC, TABLE_IC}
    input  wire                strtab_ra,       // STRTAB_BASE.RA

    input  wire                req_valid,
    output wire                req_ready,
    input  wire [TAG_W-1:0]    req_tag,
    input  wire [SID_W-1:0]    req_sid,
    input  wire [SSID_W-1:0]   req_ssid,
    input  wire                req_ssv,
    input  wire [63:0]         req_addr,
    input  wire                req_rnw,
    input  wire                req_pnu,
    input  wire                req_ind,

    output reg                 resp_valid,      // one-cycle pulse
    output reg  [TAG_W-1:0]    resp_tag,
    output reg                 resp_rec,        // the answer (ABORT) has a record in the buffer ...
    output reg  [2:0]          resp_rseq,       // ... with this sequence number
    output wire                rec_pop,         // a buffered record goes to the event queue
    output wire [2:0]          rec_pop_seq,     // ... its sequence number
    output reg  [1:0]          resp_kind,       // KIND_*
    output reg  [`SMMU_CD_W-1:0] resp_cd,
    output reg                 resp_cacheable,  // the answer came from / went into the cache

    output wire [OAS_BITS-1:0] rd_addr,
    output wire [7:0]          rd_len,
    output wire [5:0]          rd_attr,         // {domain, ARCACHE} of the fetch (13.8)
    output wire                rd_valid,
    input  wire                rd_ready,
    input  wire                rd_rvalid,
    input  wire [63:0]         rd_rdata,
    input  wire [1:0]          rd_rresp,

    output wire [255:0]        evt_data,
    output wire                evt_valid,
    input  wire                evt_ready,

    input  wire                cfgi_valid,
    input  wire [31:0]         cfgi_sid,
    input  wire [31:0]         cfgi_mask,
    output wire                sync_block,

    output reg  [31:0]         cnt_hit,
    output reg  [31:0]         cnt_miss
);

`include "smmu_cd.vh"
`include "smmu_attr.vh"

localparam [3:0] S_IDLE = 4'd0, S_LOOKUP = 4'd1, S_STE_AR = 4'd2, S_STE_R = 4'd3,
                 S_STE_CHECK = 4'd4, S_CD_AR = 4'd5, S_CD_R = 4'd6, S_CD_CHECK = 4'd7,
                 S_EVT = 4'd8, S_RESP = 4'd9;

localparam CE_W  = (CFG_ENTRIES > 1) ? $clog2(CFG_ENTRIES) : 1;
localparam KEY_W = SID_W + 1 + SSID_W;

// ---------------------------------------------------------- request latch
reg [3:0]          state_reg;
reg [TAG_W-1:0]    tag_reg;
reg [SID_W-1:0]    sid_reg;
reg [SSID_W-1:0]   ssid_reg;
reg                ssv_reg;
reg [63:0]         addr_reg;
reg                rnw_reg, pnu_reg, ind_reg;
reg                inv_seen_reg;    // a CFGI arrived during this fetch
wire               abt_reg, fetch_last;   // the fetch had an error response; its last beat is now
wire [63:0]        d0_reg, d1_reg, d2_reg, d3_reg, ste0_reg, ste1_reg;   // fetched doublewords (smmu_cfg_fetch)
reg [OAS_BITS-1:0] fetch_addr_reg;
reg [255:0]        evt_reg;
reg                cacheable_reg;   // the answer is a cached / cacheable configuration

assign req_ready  = state_reg == S_IDLE;

// a CFGI that covers the lookup in progress (CFGI_STE / _RANGE / CD / ALL by StreamID)
wire   cfgi_cov = cfgi_valid && ((({{(32-SID_W){1'b0}}, sid_reg} ^ cfgi_sid) & cfgi_mask) == 32'd0);
// CMD_SYNC: no invalidated fetch in flight, and every record of an aborted
// lookup (whose client may already have its response) handed to the event queue
assign sync_block = ((state_reg != S_IDLE) && inv_seen_reg) || evt_valid || (state_reg == S_EVT);

// ---------------------------------------------------------- cache
reg               ce_valid [0:CFG_ENTRIES-1];
reg [KEY_W-1:0]   ce_key   [0:CFG_ENTRIES-1];
reg [1:0]         ce_kind  [0:CFG_ENTRIES-1];
reg [CD_W-1:0]    ce_cd    [0:CFG_ENTRIES-1];
reg [CE_W-1:0]    ce_next_reg;   // round-robin victim

wire [KEY_W-1:0] key = {sid_reg, ssv_reg, ssv_reg ? ssid_reg : {SSID_W{1'b0}}};

reg            hit;
reg [CE_W-1:0] hit_idx;
always @* begin
    hit = 1'b0;
    hit_idx = {CE_W{1'b0}};
    for (integer i = 0; i < CFG_ENTRIES; i = i + 1) begin
        if (!hit && ce_valid[i] && ce_key[i] == key) begin
            hit = 1'b1;
            hit_idx = i[CE_W-1:0];
        end
    end
end

// ---------------------------------------------------------- STE / CD decode
// the STE's fields and stage-1 checks, the CD's address (smmu_ste_dec); the CD's checks and
// bundle (smmu_cd_dec)
wire             ste_v, ste_s1stalld, ste_illegal_s1, ssid_oob;
wire [2:0]       ste_config;
wire [4:0]       ste_s1cdmax;
wire [1:0]       ste_s1dss;
wire [OAS_BITS-1:0] cd_addr;
wire [OVR_W-1:0] ste_ovr;
smmu_ste_dec #(.SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .STALL_MODEL(STALL_MODEL)) ste_dec_inst (
    .ste0(ste0_reg), .ste1(ste1_reg), .ssid(ssid_reg), .ssv(ssv_reg),
    .ste_v(ste_v), .config_f(ste_config), .s1cdmax(ste_s1cdmax), .s1dss(ste_s1dss),
    .s1stalld(ste_s1stalld), .illegal_s1(ste_illegal_s1), .ssid_oob(ssid_oob), .cd_addr(cd_addr),
    .ovr(ste_ovr)
);
wire             cd_illegal;
wire [CD_W-1:0]  cd_bundle;
smmu_cd_dec #(.OAS_BITS(OAS_BITS), .STALL_MODEL(STALL_MODEL)) cd_dec_inst (
    .d0(d0_reg), .d1(d1_reg), .d2(d2_reg), .d3(d3_reg), .s1stalld(ste_s1stalld), .ste_ovr(ste_ovr),
    .illegal(cd_illegal), .bundle(cd_bundle)
);

// a StreamID beyond the stream table (C_BAD_STREAMID)
wire [5:0]  sid_lim = (strtab_log2size > SID_W[5:0]) ? SID_W[5:0] : strtab_log2size;
wire        sid_oob = ({{(32-SID_W){1'b0}}, sid_reg} >> sid_lim) != 32'd0;

// PRIVCFG/INSTCFG of the configuration answered now (the cache entry on a hit): the
// F_ADDR_SIZE record carries the post-override PnU/InD (IHI 0070 7.3)
wire [3:0]  cur_pi  = (state_reg == S_LOOKUP) ? ce_cd[hit_idx][CD_OVR_LSB + 11 +: 4] : ste_ovr[14:11];
wire        eff_pnu = pio_pnu(cur_pi, pnu_reg);
wire        eff_ind = pio_ind(cur_pi, ind_reg);

// input address beyond OAS on a bypassing configuration -> F_ADDR_SIZE
wire        addr_oob    = (addr_reg >> OAS_BITS) != 64'd0;

// ---------------------------------------------------------- fetch port
smmu_cfg_fetch #(.OAS_BITS(OAS_BITS)) fetch_inst (
    .clk(clk), .rst(rst),
    .ste_ar(state_reg == S_STE_AR), .cd_ar(state_reg == S_CD_AR), .ste_r(state_reg == S_STE_R),
    .cd_r(state_reg == S_CD_R), .addr(fetch_addr_reg), .table_attr(table_attr), .strtab_ra(strtab_ra),
    .rd_addr(rd_addr), .rd_len(rd_len), .rd_attr(rd_attr), .rd_valid(rd_valid), .rd_ready(rd_ready),
    .rd_rvalid(rd_rvalid), .rd_rdata(rd_rdata), .rd_rresp(rd_rresp),
    .last(fetch_last), .abt_reg(abt_reg), .ste0_reg(ste0_reg), .ste1_reg(ste1_reg),
    .d0_reg(d0_reg), .d1_reg(d1_reg), .d2_reg(d2_reg), .d3_reg(d3_reg)
);

// ---------------------------------------------------------- events: records and their buffer (smmu_cfg_evt)
wire [255:0] rec_bad_streamid, rec_bad_ste, rec_bad_ssid, rec_disabled, rec_bad_cd, rec_ste_fetch,
             rec_cd_fetch, rec_addr_size;
wire         evq_room;
wire [2:0]   rec_push_seq;    // sequence number of the record the buffer takes next
reg          rec_reg;         // the lookup in progress has pushed a record ...
reg [2:0]    rseq_reg;        // ... with this sequence number
smmu_cfg_evt #(.SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .EVQ_LOG2(EVQ_LOG2)) evt_inst (
    .clk(clk), .rst(rst),
    .sid(sid_reg), .ssid(ssid_reg), .ssv(ssv_reg), .addr(addr_reg), .rnw(rnw_reg), .pnu(eff_pnu), .ind(eff_ind),
    .fetch_addr(fetch_addr_reg),
    .rec_bad_streamid(rec_bad_streamid), .rec_bad_ste(rec_bad_ste), .rec_bad_ssid(rec_bad_ssid),
    .rec_disabled(rec_disabled), .rec_bad_cd(rec_bad_cd), .rec_ste_fetch(rec_ste_fetch),
    .rec_cd_fetch(rec_cd_fetch), .rec_addr_size(rec_addr_size),
    .push(state_reg == S_EVT), .push_data(evt_reg), .push_room(evq_room), .push_seq(rec_push_seq),
    .evt_data(evt_data), .evt_valid(evt_valid), .evt_ready(evt_ready),
    .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq)
);

task automatic finish;
    input [1:0] kind;
    begin
        resp_kind <= kind;
        state_reg <= S_RESP;
    end
endtask

// the answer (S_RESP, or the lookup cycle of a configuration-cache hit): cacheable unless
// a CFGI covered the lookup (before or in this cycle) or SMMUEN=0
task automatic respond;
    input cacheable;
    begin
        resp_valid     <= 1'b1;
        resp_cacheable <= cacheable && !inv_seen_reg && !cfgi_cov && smmuen;
        resp_tag       <= tag_reg;
        resp_rec       <= rec_reg;
        resp_rseq      <= rseq_reg;
        state_reg      <= S_IDLE;
    end
endtask

// record an event and answer ABORT
task automatic fault;
    input [255:0] rec;
    begin
        evt_reg      <= rec;
        resp_kind    <= KIND_ABORT;
        state_reg    <= S_EVT;
    end
endtask

// a bypassing configuration still aborts an address beyond the OAS
task automatic bypass_or_addr_size;
    begin
        if (addr_oob)
            fault(rec_addr_size);
        else
            finish(KIND_BYPASS);
    end
endtask

task automatic fill;
    input [1:0] kind;
    begin
        cacheable_reg <= smmuen;
        if (!inv_seen_reg && !cfgi_cov && smmuen) begin
            ce_valid[ce_next_reg] <= 1'b1;
            ce_key[ce_next_reg]   <= key;
            ce_kind[ce_next_reg]  <= kind;
            ce_cd[ce_next_reg]    <= cd_bundle;
            ce_next_reg <= (ce_next_reg == CE_W'(CFG_ENTRIES - 1)) ? {CE_W{1'b0}} : ce_next_reg + 1'b1;
        end
    end
endtask

always @(posedge clk) begin
    resp_valid <= 1'b0;
    if (rst) begin
        state_reg      <= S_IDLE;
        tag_reg        <= {TAG_W{1'b0}};
        sid_reg        <= {SID_W{1'b0}};
        ssid_reg       <= {SSID_W{1'b0}};
        ssv_reg        <= 1'b0;
        addr_reg       <= 64'd0;
        rnw_reg        <= 1'b0;
        pnu_reg        <= 1'b0;
        ind_reg        <= 1'b0;
        inv_seen_reg   <= 1'b0;
        fetch_addr_reg <= {OAS_BITS{1'b0}};
        evt_reg        <= 256'd0;
        cacheable_reg  <= 1'b0;
        resp_cacheable <= 1'b0;
        resp_tag       <= {TAG_W{1'b0}};
        resp_rec       <= 1'b0;
        resp_rseq      <= 3'd0;
        rec_reg        <= 1'b0;
        rseq_reg       <= 3'd0;
        resp_kind      <= KIND_ABORT;
        resp_cd        <= {CD_W{1'b0}};
        ce_next_reg    <= {CE_W{1'b0}};
        cnt_hit        <= 32'd0;
        cnt_miss       <= 32'd0;
        for (integer j = 0; j < CFG_ENTRIES; j = j + 1)
            ce_valid[j] <= 1'b0;
    end else begin
        if (cfgi_valid) begin
            for (integer j = 0; j < CFG_ENTRIES; j = j + 1)
                if ((({{(32-SID_W){1'b0}}, ce_key[j][KEY_W-1 -: SID_W]} ^ cfgi_sid) & cfgi_mask) == 32'd0)
                    ce_valid[j] <= 1'b0;
            if (state_reg != S_IDLE && cfgi_cov)
                inv_seen_reg <= 1'b1;
        end

        case (state_reg)
            S_IDLE: if (req_valid) begin
                tag_reg      <= req_tag;
                rec_reg      <= 1'b0;
                sid_reg      <= req_sid;
                ssid_reg     <= req_ssid;
                ssv_reg      <= req_ssv;
                addr_reg     <= req_addr;
                rnw_reg      <= req_rnw;
                pnu_reg      <= req_pnu;
                ind_reg      <= req_ind;
                inv_seen_reg <= 1'b0;
                cacheable_reg <= 1'b0;
                state_reg    <= S_LOOKUP;
            end
            S_LOOKUP: begin
                fetch_addr_reg <= strtab_base + ({{(OAS_BITS-SID_W){1'b0}}, sid_reg} << 6);
                if (sid_oob) begin
                    // an out-of-range StreamID always aborts; RECINVSID only decides the record
                    if (recinvsid)
                        fault(rec_bad_streamid);
                    else
                        finish(KIND_ABORT);
                end else if (hit) begin
                    `SMMU_COUNT(cnt_hit, 1'b1);
                    resp_cd <= ce_cd[hit_idx];
                    cacheable_reg <= 1'b1;
                    if (ce_kind[hit_idx] == KIND_BYPASS && addr_oob)
                        fault(rec_addr_size);
                    else begin
                        // a hit answers now (no S_RESP cycle); no record was pushed (rec_reg 0)
                        resp_kind <= ce_kind[hit_idx];
                        respond(1'b1);
                    end
                end else begin
                    `SMMU_COUNT(cnt_miss, 1'b1);
                    state_reg <= S_STE_AR;
                end
            end
            // the fetch itself (beats, error response): smmu_cfg_fetch
            S_STE_AR, S_CD_AR: if (rd_ready)
                state_reg <= (state_reg == S_STE_AR) ? S_STE_R : S_CD_R;
            S_STE_R, S_CD_R: if (rd_rvalid && fetch_last)
                state_reg <= (state_reg == S_STE_R) ? S_STE_CHECK : S_CD_CHECK;
            S_STE_CHECK: begin
                fetch_addr_reg <= cd_addr;
                resp_cd        <= cd_bundle;   // a bypass answer carries the STE's overrides
                if (abt_reg)
                    fault(rec_ste_fetch);
                else if (!ste_v)
                    fault(rec_bad_ste);
                else if (!ste_config[2])
                    finish(KIND_ABORT);            // Config 0xx: abort, no event
                else if (ste_config[1])
                    fault(rec_bad_ste); // S2/nested: no S2P
                else if (!ste_config[0]) begin     // Config 100: bypass
                    if (ssv_reg)
                        fault(rec_bad_ssid);
                    else begin
                        fill(KIND_BYPASS);
                        bypass_or_addr_size;
                    end
                end else if (ste_illegal_s1)
                    fault(rec_bad_ste);
                else if (ssv_reg) begin
                    if (ste_s1cdmax == 5'd0 || ssid_oob)
                        fault(rec_bad_ssid);
                    else if (ssid_reg == {SSID_W{1'b0}} && ste_s1dss == 2'd2)
                        fault(rec_disabled);
                    else
                        state_reg <= S_CD_AR;
                end else if (ste_s1cdmax != 5'd0 && ste_s1dss != 2'd2) begin
                    if (ste_s1dss == 2'd1) begin   // stage 1 bypassed for non-substream traffic
                        fill(KIND_BYPASS);
                        bypass_or_addr_size;
                    end else
                        fault(rec_disabled);
                end else
                    state_reg <= S_CD_AR;
            end
            S_CD_CHECK: begin
                resp_cd <= cd_bundle;
                if (abt_reg)
                    fault(rec_cd_fetch);
                else if (cd_illegal)
                    fault(rec_bad_cd);
                else begin
                    fill(KIND_S1);
                    finish(KIND_S1);
                end
            end
            S_EVT: if (evq_room) begin
                rec_reg      <= 1'b1;
                rseq_reg     <= rec_push_seq;
                state_reg    <= S_RESP;
            end
            S_RESP: respond(cacheable_reg);
            default: ;
        endcase
    end
end

endmodule

`resetall
