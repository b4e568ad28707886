console.log('cosa: not built yet');
