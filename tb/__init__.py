"""smmu_top verification environment (cocotb + pyuvm); see docs/ for the test plan."""
