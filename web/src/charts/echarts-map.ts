// ECharts for maps: the geo component and scatter points on top of the core set (./echarts). Only
// the map page's chunk pays for them. No tile server: the areas are the server's GeoJSON.
import { echarts } from './echarts';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';

echarts.use([ScatterChart, GeoComponent]);

export { echarts };
