"""The software side: a Linux-faithful driver model for smmu_top."""
