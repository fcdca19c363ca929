"""`spark-submit …/rashomon/spark/__main__.py run INPUT… --output DIR`: the `rashomon spark`
commands, for a cluster's spark-submit (which makes the SparkSession the job then uses)."""

import sys

from rashomon.cli import main

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "spark", *sys.argv[1:]]
    main()
