"""The pipeline on Apache Spark: `rashomon spark run INPUT... --output DIR`.

`job` drives Spark (it needs the `spark` extra: pyspark); `work` holds what executors run,
the local stage code over a partition; `tables` the Parquet tables written; `hadoop` the
driver's access to any filesystem Spark reads. `python -m rashomon.spark run ...` is the same
command, for `spark-submit`.
"""
